import type { ConfigProblem, Logger } from '@signal-connectors/connector-sdk';
import type { ConnectorHost } from '../composition/connector-host.js';
import type { HostInstance } from '../composition/instance-composer.js';
import type { InstanceConfig } from '../config/runtime-config.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { InstanceStore, StoredInstance } from '../state/instance-store.js';
import type { SecretBox } from './secret-box.js';
import { joinSecrets, secretSettingPaths, splitSecrets } from './settings-paths.js';

/** Where an instance is defined: the YAML file (read-only in the console) or the console. */
export type InstanceOrigin = 'file' | 'console';

/** An instance the runtime knows, composed or not. */
export interface LiveInstance {
    id: string;
    connector: string;
    origin: InstanceOrigin;
    enabled: boolean;
    /** As written, e.g. `30m`. */
    pollingInterval: string;
    /** Present when its config is good: what the scheduler polls. */
    composed?: HostInstance;
    /** Why it cannot run: config problems, secrets that cannot be decrypted. Paths are relative to the instance. */
    problems: ConfigProblem[];
    /** The settings without their secrets, safe to show. */
    plainSettings: Record<string, unknown>;
    /** The secret settings that hold a value (never the value). */
    configuredSecrets: string[];
}

/** Index used for problem paths of console instances; stripped before they are shown. */
const CONSOLE_INDEX = 0;

/**
 * The instances the service runs: those of the config file, composed by the host at start, and those made in
 * the console, kept in the {@link InstanceStore} and composed here (their secrets opened with the
 * {@link SecretBox}). Changes are handed to the scheduler at once, so they apply without a restart.
 */
export class LiveInstances {
    private readonly byId = new Map<string, LiveInstance>();
    private scheduler?: Pick<Scheduler, 'upsert' | 'remove'>;

    constructor(
        private readonly host: ConnectorHost,
        /** Absent when the state backend keeps no instances: the console is then read-only. */
        readonly store: InstanceStore | undefined,
        /** Absent without `admin.secretKey`: instances with secrets cannot be stored. */
        readonly box: SecretBox | undefined,
        private readonly logger: Logger
    ) {
        for (const composed of host.instances) {
            const secrets = secretSettingPaths(composed.plugin.manifest.configSchema);
            const raw = (composed.config.settings ?? {}) as Record<string, unknown>;
            const { plain, secrets: values } = splitSecrets(raw, secrets);
            this.byId.set(composed.id, {
                id: composed.id,
                connector: composed.connectorId,
                origin: 'file',
                enabled: composed.enabled,
                pollingInterval: composed.config.pollingInterval ?? composed.plugin.manifest.defaults.pollingInterval,
                composed,
                problems: [],
                plainSettings: plain,
                configuredSecrets: Object.keys(values)
            });
        }
        for (const stored of store?.listInstances() ?? []) {
            if (this.byId.has(stored.id)) {
                logger.warn(
                    `Instance ${stored.id} made in the console is shadowed by the config file's instance of the same ` +
                        'id; the file wins (delete one of them)',
                    { instance: stored.id }
                );
                continue;
            }
            this.byId.set(stored.id, this.composeStored(stored));
        }
    }

    /** Changes are handed to this scheduler from now on. */
    attach(scheduler: Pick<Scheduler, 'upsert' | 'remove'>): void {
        this.scheduler = scheduler;
    }

    list(): LiveInstance[] {
        return [...this.byId.values()];
    }

    get(id: string): LiveInstance | undefined {
        return this.byId.get(id);
    }

    /** The config schema of a connector, from its manifest. */
    schemaOf(connectorId: string): Record<string, unknown> | undefined {
        return this.host.manifestOf(connectorId)?.configSchema;
    }

    /** What the scheduler polls: every composed instance. */
    schedulable(): HostInstance[] {
        return this.list().flatMap(live => (live.composed === undefined ? [] : [live.composed]));
    }

    /**
     * Composes a console instance from its settings (secrets included) without keeping it: the plugin's
     * `validateConfig` decides. Problems have paths relative to the instance (`settings.host`, `pollingInterval`).
     */
    compose(config: InstanceConfig): HostInstance | { problems: ConfigProblem[] } {
        const composed = this.host.compose(config, CONSOLE_INDEX);
        if ('problems' in composed) return { problems: composed.problems.map(relative) };
        return composed;
    }

    /** Stores a console instance and puts it into service (replacing the one with the same id). */
    save(stored: StoredInstance, composed: HostInstance, secrets: Record<string, unknown>, pollSoon: boolean): LiveInstance {
        this.store!.saveInstance(stored);
        const live: LiveInstance = {
            id: stored.id,
            connector: stored.connector,
            origin: 'console',
            enabled: stored.enabled,
            pollingInterval: stored.pollingInterval,
            composed,
            problems: [],
            plainSettings: stored.settings,
            configuredSecrets: Object.keys(secrets)
        };
        this.byId.set(stored.id, live);
        this.scheduler?.upsert(composed, { pollSoon });
        return live;
    }

    /** Takes a console instance out of service, then deletes it with its checkpoint, status and history. */
    async delete(id: string): Promise<void> {
        this.byId.delete(id);
        await this.scheduler?.remove(id);
        this.store?.deleteInstance(id);
    }

    /** The secrets of a stored instance, opened; throws when they cannot be. */
    openSecrets(stored: StoredInstance): Record<string, unknown> {
        if (stored.sealedSecrets === undefined) return {};
        if (this.box === undefined) {
            throw new Error(
                `the secrets of '${stored.id}' are encrypted, and admin.secretKey is not set: set it to the key they ` +
                    'were saved with'
            );
        }
        return this.box.open(stored.id, stored.sealedSecrets);
    }

    private composeStored(stored: StoredInstance): LiveInstance {
        const base: LiveInstance = {
            id: stored.id,
            connector: stored.connector,
            origin: 'console',
            enabled: stored.enabled,
            pollingInterval: stored.pollingInterval,
            problems: [],
            plainSettings: stored.settings,
            configuredSecrets: []
        };
        let secrets: Record<string, unknown>;
        try {
            secrets = this.openSecrets(stored);
        } catch (error) {
            const message = (error as Error).message;
            this.logger.error(`Instance ${stored.id} cannot run: ${message}`, { instance: stored.id });
            return { ...base, problems: [{ path: 'settings', message }] };
        }
        base.configuredSecrets = Object.keys(secrets);
        const composed = this.compose(consoleInstanceConfig(stored, joinSecrets(stored.settings, secrets)));
        if ('problems' in composed) {
            this.logger.error(`Instance ${stored.id} cannot run: its settings have problems`, { instance: stored.id });
            return { ...base, problems: composed.problems };
        }
        return { ...base, composed };
    }
}

/** The runtime config of a console instance. */
export function consoleInstanceConfig(
    stored: Pick<StoredInstance, 'id' | 'connector' | 'enabled' | 'pollingInterval'>,
    settings: Record<string, unknown>
): InstanceConfig {
    return {
        id: stored.id,
        connector: stored.connector,
        enabled: stored.enabled,
        pollingInterval: stored.pollingInterval,
        settings
    };
}

function relative(problem: ConfigProblem): ConfigProblem {
    return { ...problem, path: problem.path.replace(/^instances\[\d+\]\.?/, '') };
}
