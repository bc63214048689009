import assert from 'node:assert/strict';
import type { ConfigValidation, ConnectionReport, Connector, PollItem } from '../connector.js';
import type { PollContext } from '../connector-context.js';
import type { ConnectorManifest } from '../manifest/connector-manifest.js';
import { secretValues } from '../manifest/secret-fields.js';
import { declaredStreams, type StreamCheckpoints } from '../stream.js';
import { CapturedLogger, searchableText } from './captured-logger.js';
import type { ConnectorContractOptions } from './connector-contract-options.js';
import { DeadlineExceededError, findSecret, within, type Haystack } from './contract-checks.js';
import { createTestContext } from './test-context.js';

/**
 * The state and the calls of one contract suite run: it loads the manifest and the connector, makes contexts
 * that share one captured log, and keeps everything the connector threw, reported or emitted, so the last test
 * can search it all for secrets.
 */
export class ContractHarness<Config> {
    readonly pollTimeoutMs: number;
    readonly abortWithinMs: number;
    readonly instanceId: string;
    readonly logger: CapturedLogger;
    manifest!: ConnectorManifest;
    connector!: Connector<Config>;
    private readonly haystacks: Haystack[] = [];
    private fullPoll?: Promise<PollItem[]>;

    constructor(readonly options: ConnectorContractOptions<Config>) {
        this.pollTimeoutMs = options.pollTimeoutMs ?? 30_000;
        this.abortWithinMs = options.abortWithinMs ?? 2_000;
        this.instanceId = options.instanceId ?? 'contract-test';
        this.logger = new CapturedLogger({ instance: this.instanceId });
    }

    /** Runs `setup`, then loads the manifest and makes the connector. */
    async load(): Promise<void> {
        await this.options.setup?.();
        const { manifest } = this.options;
        this.manifest = (typeof manifest === 'function' ? await manifest() : manifest) as ConnectorManifest;
        this.connector = await this.options.createConnector();
    }

    /** The ids of the streams the manifest declares (`default` when it declares none). */
    get streams(): string[] {
        return declaredStreams(this.manifest).map(stream => stream.id);
    }

    /** A context on the suite's log; the plugin's `createContext` may change anything but the log and the signal. */
    context(controller = new AbortController()): PollContext {
        const { manifest, instanceId } = this;
        const logger = this.logger.child({ connector: manifest.id });
        const base = createTestContext({ connectorId: manifest.id, instanceId, logger, signal: controller.signal });
        const custom = this.options.createContext?.(base);
        return { ...base, ...custom, connectorId: manifest.id, instanceId, logger, signal: base.signal };
    }

    /** Keeps a text the connector produced, to search for secrets at the end. */
    keep(label: string, value: unknown): void {
        this.haystacks.push({ label, text: searchableText(value) });
    }

    /** Runs connector code; whatever it throws is kept for the secret check, then rethrown. */
    async guarded<T>(label: string, run: () => T | Promise<T>): Promise<T> {
        try {
            return await run();
        } catch (error) {
            if (!(error instanceof DeadlineExceededError)) this.keepError(`the error thrown by ${label}`, error);
            throw error;
        }
    }

    /** Calls validateConfig, turning a throw (which the contract forbids) into a clear failure. */
    validate(raw: unknown, what: string): ConfigValidation<Config> {
        try {
            return this.connector.validateConfig(raw);
        } catch (error) {
            this.keepError(`the error thrown by validateConfig(${what})`, error);
            return assert.fail(
                `validateConfig threw for ${what} (${String(error)}); it must return { ok: false, problems }`
            );
        }
    }

    /** The typed config of raw settings that must be valid. */
    validConfig(raw: unknown, what: string): Config {
        const result = this.validate(raw, what);
        assert.ok(result.ok, `${what} should be valid, but: ${result.ok ? '' : JSON.stringify(result.problems)}`);
        return result.config;
    }

    /** Calls testConnection within the poll timeout, turning a throw (which the contract forbids) into a clear failure. */
    async testConnection(config: Config): Promise<ConnectionReport> {
        const testing = within(
            this.connector.testConnection(config, this.context()),
            this.pollTimeoutMs,
            'testConnection'
        );
        try {
            return await this.guarded('testConnection', () => testing);
        } catch (error) {
            if (error instanceof DeadlineExceededError) throw error;
            return assert.fail(`testConnection threw (${String(error)}); it must return a report with ok: false`);
        }
    }

    /** Polls to the end within the poll timeout (aborting the poll past it); the items it yielded. */
    async pollAll(config: Config, checkpoints: StreamCheckpoints, what: string): Promise<PollItem[]> {
        const controller = new AbortController();
        const polling = collect(this.connector.poll(config, checkpoints, this.context(controller)));
        const items = await this.guarded(what, () =>
            within(polling, this.pollTimeoutMs, what, () => controller.abort())
        );
        this.keep(`the artifacts and statuses of ${what}`, items);
        return items;
    }

    /** One full poll of `goodConfig` from no checkpoint, shared by the tests that need it. */
    fullPollOfGoodConfig(): Promise<PollItem[]> {
        this.fullPoll ??= this.pollAll(this.validConfig(this.options.goodConfig(), 'goodConfig'), {}, 'poll');
        return this.fullPoll;
    }

    /** Where a secret (the plugin's, plus the `writeOnly` values of its configs) showed up, if anywhere. */
    findLeak(): string | undefined {
        const secrets = new Set(this.options.secrets());
        for (const raw of [this.options.goodConfig(), this.options.badCredentials()]) {
            for (const value of secretValues(this.manifest.configSchema, raw)) secrets.add(value);
        }
        secrets.delete('');
        return findSecret([...secrets], [{ label: 'the log', text: this.logger.text() }, ...this.haystacks]);
    }

    private keepError(label: string, error: unknown): void {
        let json = '';
        try {
            json = JSON.stringify(error) ?? '';
        } catch {
            // A circular or bigint-holding error simply has no JSON form to search.
        }
        this.haystacks.push({ label, text: `${searchableText(error)}\n${json}\n${String(error)}` });
    }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
    const items: T[] = [];
    for await (const item of iterable) items.push(item);
    return items;
}
