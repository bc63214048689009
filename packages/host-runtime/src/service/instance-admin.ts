import { randomUUID } from 'node:crypto';
import type { ConfigProblem, ConnectionReport, Logger } from '@signal-connectors/connector-sdk';
import type { ConnectorHost } from '../composition/connector-host.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { StateStore } from '../state/state-store.js';
import { checkNewInstance, checkPollingInterval, noKeyProblems, type InstanceInput } from './instance-input.js';
import { consoleInstanceConfig, type LiveInstance, type LiveInstances } from './live-instances.js';
import { getPath, joinSecrets, secretSettingPaths, splitSecrets, subscriptionPaths } from './settings-paths.js';

export type { InstanceInput } from './instance-input.js';

/** The outcome of a save: the instance, or every problem with its path (`id`, `pollingInterval`, `settings.host`). */
export type SaveResult = { ok: true; instance: LiveInstance } | { ok: false; problems: ConfigProblem[] };

/** A refused action, with the HTTP status that says why. */
export class AdminActionError extends Error {
    constructor(
        readonly status: 400 | 404 | 409 | 503,
        message: string
    ) {
        super(message);
        this.name = 'AdminActionError';
    }
}

/** The last connection test of an instance. */
export interface TestRecord {
    at: string;
    report: ConnectionReport;
}

/**
 * What the console and the admin API may do to instances: create, change, enable/disable and delete console
 * instances (file instances are read-only), test a connection, poll now. Guards the subscription's budget (at most
 * one manual trigger, a test or a manual poll, in flight per instance; no manual poll while any poll runs; a disabled
 * instance is not polled) and writes one audit line per change: who, what, which instance, never a secret.
 */
export class InstanceAdmin {
    private readonly testing = new Set<string>();
    /** Instances with a manual poll in flight. */
    private readonly manualPolls = new Set<string>();
    private readonly lastTests = new Map<string, TestRecord>();

    constructor(
        private readonly instances: LiveInstances,
        private readonly host: Pick<ConnectorHost, 'testInstance' | 'catalog' | 'manifestOf' | 'use'>,
        private readonly scheduler: Pick<Scheduler, 'isBusy' | 'trigger' | 'running'>,
        private readonly state: Pick<StateStore, 'resetCheckpoint'>,
        private readonly audit: Logger
    ) {}

    /**
     * Creates a console instance; it is polled at once when enabled. Its connector's plugin is loaded first if no
     * instance used it yet (plugin code runs only for connectors in use).
     */
    async create(input: InstanceInput, actor: string): Promise<SaveResult> {
        await this.host.use(input.connector);
        return this.save(input, actor, undefined);
    }

    /** Changes a console instance; settings left empty keep their stored secrets. */
    async update(id: string, input: Omit<InstanceInput, 'id' | 'connector'>, actor: string): Promise<SaveResult> {
        const live = this.editable(id);
        await this.host.use(live.connector);
        return this.save({ ...input, id, connector: live.connector }, actor, live);
    }

    /** Enables or disables a console instance: a disabled one is not polled, and its poll in flight stops. */
    async setEnabled(id: string, enabled: boolean, actor: string): Promise<SaveResult> {
        const live = this.editable(id);
        await this.host.use(live.connector);
        const stored = this.instances.store!.getInstance(id)!;
        const input = { ...stored, enabled, settings: {} };
        return this.save(input, actor, live, enabled ? 'enable' : 'disable');
    }

    /** Deletes a console instance with its checkpoint and history. */
    async delete(id: string, actor: string): Promise<void> {
        this.editable(id);
        await this.instances.delete(id);
        this.lastTests.delete(id);
        this.record(actor, 'delete', id);
    }

    /**
     * Runs the connection test: one at a time per instance, and not during a manual poll. A scheduled poll may be
     * running (right after a save, say): the connector's own rate limiter shares the subscription's budget between
     * them.
     */
    async test(id: string, actor: string): Promise<TestRecord> {
        const live = this.runnable(id);
        if (this.testing.has(id) || this.manualPolls.has(id)) this.refuseBusy(id, 'test');
        this.testing.add(id);
        try {
            this.record(actor, 'test', id);
            const report = await this.host.testInstance(live.composed!);
            const record = { at: new Date().toISOString(), report };
            this.lastTests.set(id, record);
            return record;
        } finally {
            this.testing.delete(id);
        }
    }

    /** Starts a poll now; refused for a disabled instance or while a test or poll of it runs. */
    poll(id: string, actor: string): { runId: string } {
        const live = this.runnable(id);
        if (!live.enabled) {
            throw new AdminActionError(409, `'${id}' is disabled, so it is not polled; enable it first`);
        }
        if (!this.scheduler.running) throw new AdminActionError(503, 'the scheduler is not running');
        if (this.busy(id)) this.refuseBusy(id, 'poll');
        const runId = randomUUID();
        this.record(actor, 'poll', id);
        this.manualPolls.add(id);
        this.scheduler
            .trigger(id, { runId })
            .catch(() => undefined)
            .finally(() => this.manualPolls.delete(id));
        return { runId };
    }

    /** The latest connection test of an instance, if any. */
    lastTest(id: string): TestRecord | undefined {
        return this.lastTests.get(id);
    }

    /** Whether a test or poll of the instance is in flight. */
    busy(id: string): boolean {
        return this.testing.has(id) || this.scheduler.isBusy(id);
    }

    private save(input: InstanceInput, actor: string, previous: LiveInstance | undefined, action?: string): SaveResult {
        const store = this.instances.store;
        if (store === undefined) throw new AdminActionError(409, 'this state backend keeps no console instances');
        const problems: ConfigProblem[] = [];
        if (previous === undefined) problems.push(...checkNewInstance(input, this.instances.list(), this.host.catalog()));
        problems.push(...checkPollingInterval(input.pollingInterval));
        const entry = this.host.catalog().find(connector => connector.id === input.connector);
        if (entry === undefined) return { ok: false, problems };
        const schema = this.manifestSchema(input.connector);
        const secretPaths = secretSettingPaths(schema);
        const entered = splitSecrets(input.settings, secretPaths);
        const stored = previous === undefined ? undefined : store.getInstance(previous.id);
        let secrets: Record<string, unknown> = {};
        if (stored !== undefined) {
            try {
                secrets = this.instances.openSecrets(stored);
            } catch {
                // Unreadable with this key: whatever is entered now replaces them.
            }
        }
        for (const path of input.clearSecrets ?? []) delete secrets[path];
        for (const [path, value] of Object.entries(entered.secrets)) {
            if (value !== '' && value !== undefined && value !== null) secrets[path] = value;
        }
        if (this.instances.box === undefined) problems.push(...noKeyProblems(Object.keys(secrets)));
        const plain = previous === undefined || action === undefined ? entered.plain : previous.plainSettings;
        const config = consoleInstanceConfig(
            { ...input, pollingInterval: input.pollingInterval.trim() },
            joinSecrets(plain, secrets)
        );
        const composed = this.instances.compose(config);
        if ('problems' in composed) problems.push(...composed.problems.filter(p => p.path !== 'pollingInterval'));
        if (problems.length > 0 || 'problems' in composed) return { ok: false, problems };

        const now = new Date().toISOString();
        const sealed =
            Object.keys(secrets).length === 0 ? undefined : this.instances.box!.seal(input.id, secrets);
        const changedSubscription =
            previous !== undefined &&
            subscriptionPaths(schema).some(
                path => JSON.stringify(getPath(previous.plainSettings, path)) !== JSON.stringify(getPath(plain, path))
            );
        if (changedSubscription) this.state.resetCheckpoint(input.id);
        const instance = this.instances.save(
            {
                id: input.id,
                connector: input.connector,
                enabled: input.enabled,
                pollingInterval: config.pollingInterval!,
                settings: plain,
                ...(sealed === undefined ? {} : { sealedSecrets: sealed }),
                createdAt: stored?.createdAt ?? now,
                updatedAt: now
            },
            composed,
            secrets,
            action !== 'disable'
        );
        const what = action ?? (previous === undefined ? 'create' : 'update');
        this.record(actor, what, input.id, {
            ...(changedSubscription ? { checkpoint: 'reset: the subscription changed' } : {}),
            ...(what === 'update' && (input.clearSecrets ?? []).length > 0 ? { clearedSecrets: input.clearSecrets } : {})
        });
        return { ok: true, instance };
    }

    private manifestSchema(connectorId: string): Record<string, unknown> {
        return this.host.manifestOf(connectorId)?.configSchema ?? {};
    }

    private editable(id: string): LiveInstance {
        const live = this.instances.get(id);
        if (live === undefined) throw new AdminActionError(404, `unknown instance '${id}'`);
        if (live.origin === 'file') {
            throw new AdminActionError(
                409,
                `'${id}' is managed by the config file; change it there and restart the service`
            );
        }
        return live;
    }

    private runnable(id: string): LiveInstance {
        const live = this.instances.get(id);
        if (live === undefined) throw new AdminActionError(404, `unknown instance '${id}'`);
        if (live.composed === undefined) {
            throw new AdminActionError(409, `'${id}' cannot run: ${live.problems.map(p => p.message).join('; ')}`);
        }
        return live;
    }

    private refuseBusy(id: string, what: string): never {
        throw new AdminActionError(
            409,
            `a connection test or poll of '${id}' is already running; the ${what} was not started (try again when it ends)`
        );
    }

    private record(actor: string, action: string, instance: string, extra: Record<string, unknown> = {}): void {
        this.audit.info(`Audit: ${actor} ${action} ${instance}`, { audit: true, actor, action, instance, ...extra });
    }
}
