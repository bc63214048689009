import type { Clock } from './clock.js';
import type { ConnectorMetrics } from './connector-metrics.js';
import type { HttpClientFactory } from './http/http-client.js';
import type { KeyValueStore } from './key-value-store.js';
import type { Logger } from './logging/logger.js';

/** What the host hands a connector for any command: everything it may use, nothing more. */
export interface ConnectorContext {
    /** The manifest id, e.g. `signal-client.qualys`. */
    readonly connectorId: string;
    /** The configured instance id, e.g. `qualys-prod`. */
    readonly instanceId: string;
    /** Labelled `{connector, instance}`; secrets are redacted. */
    readonly logger: Logger;
    readonly clock: Clock;
    /** Aborts on shutdown or cancellation; stop promptly at the next safe point. */
    readonly signal: AbortSignal;
    readonly http: HttpClientFactory;
    /** State scoped to this instance. */
    readonly store: KeyValueStore;
    /** State shared by every instance of this plugin (caches). */
    readonly pluginStore: KeyValueStore;
    readonly metrics: ConnectorMetrics;
}

/** The context of one poll. */
export interface PollContext extends ConnectorContext {
    /** Unique id of this poll run, for correlating logs and the run summary. */
    readonly runId: string;
    /** When the host started this poll (ms since the epoch, from `clock`). */
    readonly startedAt: number;
}
