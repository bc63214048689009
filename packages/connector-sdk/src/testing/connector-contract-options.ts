import type { Connector } from '../connector.js';
import type { PollContext } from '../connector-context.js';
import type { ConnectorManifest } from '../manifest/connector-manifest.js';

/** A config `validateConfig` must reject, and where the problems must be. */
export interface BadConfigCase {
    /** Shown in the test title, e.g. `missing password`. */
    name: string;
    /** The raw settings; a function is called (after `setup`) when they depend on it, e.g. on a server's port. */
    raw: unknown;
    /** Paths of the problems, as `ConfigProblem.path` writes them, e.g. `['password', 'proxy.url']`. */
    expectedPaths: string[];
    /** `exact` (default): the problems are at exactly these paths; `includes`: at these and possibly others. */
    match?: 'exact' | 'includes';
}

/** What {@link describeConnectorContract} needs to know about a plugin. */
export interface ConnectorContractOptions<Config = unknown> {
    /** Suite title, usually the connector id. */
    name: string;
    /** The manifest (e.g. package.json's `signalConnector`), or a function, possibly async, that loads it. */
    manifest: ConnectorManifest | Record<string, unknown> | (() => unknown);
    /** Makes the connector, usually by loading the plugin's `ContainerModule` into a container, as the host does. */
    createConnector(): Connector<Config> | Promise<Connector<Config>>;
    /**
     * Raw settings that reach a working server (called after `setup`). Its poll must be deterministic, every
     * stream it runs must complete, and, so that resuming can be checked, it must yield several batches:
     * configure a small page size or batch limit.
     */
    goodConfig(): unknown;
    /** Configs `validateConfig` must reject, each with the paths of its problems. */
    badConfigs: BadConfigCase[];
    /** Raw settings that are valid but whose credentials the server refuses (`testConnection` must say `auth`). */
    badCredentials(): unknown;
    /**
     * Values that must never appear in anything logged, thrown, reported or emitted: passwords, API keys, tokens
     * the server hands out. The `writeOnly` values of `goodConfig` and `badCredentials` are added automatically.
     * Use distinctive values (`s3cret-Pa55!`): short common ones would be found by coincidence.
     */
    secrets(): string[];
    /**
     * Adjusts the context of each call, e.g. to pass an HTTP client factory that trusts a test CA. `base`
     * carries the suite's logger and abort signal, which are kept whatever this returns.
     */
    createContext?(base: PollContext): Partial<PollContext>;
    /** Runs before the suite, e.g. to start a local server. */
    setup?(): void | Promise<void>;
    /** Runs after the suite, e.g. to stop the server. */
    teardown?(): void | Promise<void>;
    /** Longest a whole poll or a `testConnection` may take (default 30 s). */
    pollTimeoutMs?: number;
    /** How soon a poll must end (return or throw) after its signal aborts (default 2 s). */
    abortWithinMs?: number;
    /** The instance id the suite runs as (default `contract-test`). */
    instanceId?: string;
    /** Set to false for a connector whose poll is always a single batch; resuming is then hardly checked. */
    expectSeveralBatches?: boolean;
}
