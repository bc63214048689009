import type { Artifact } from './artifact.js';
import type { ConnectorErrorKind } from './connector-error.js';
import type { ConnectorContext, PollContext } from './connector-context.js';
import type { StreamCheckpoints, StreamStatus } from './stream.js';

/** DI token for {@link Connector}: a plugin's entry module binds its connector to it. */
export const Connector = Symbol.for('@signal-connectors/connector-sdk:Connector');

/** One problem found in a configuration. */
export interface ConfigProblem {
    /** Dotted path of the field, e.g. `settings.host`; empty for the whole config. */
    path: string;
    message: string;
    /** What to write instead, when there is an obvious fix. */
    hint?: string;
}

/** The outcome of {@link Connector.validateConfig}: the typed config, or every problem at once. */
export type ConfigValidation<Config> =
    | { ok: true; config: Config; secrets: string[] }
    | { ok: false; problems: ConfigProblem[] };

/** The outcome of {@link Connector.testConnection}. */
export interface ConnectionReport {
    ok: boolean;
    /** Round trip of the check, in milliseconds. */
    latencyMs?: number;
    /** One line: what was checked and what happened. */
    message: string;
    /** On failure, what the user can do about it. */
    hint?: string;
    errorKind?: ConnectorErrorKind;
    /** Extra facts, e.g. the remote rate and concurrency limits. */
    details?: Record<string, unknown>;
}

/** Counters a connector reports with each batch, for progress displays. */
export type PollProgress = Readonly<Record<string, number>>;

/**
 * A batch of one stream's artifacts and that stream's checkpoint, to commit once they are delivered. The
 * checkpoint must let a new poll resume that stream right after this batch.
 */
export interface PollBatch<Checkpoint = unknown> {
    /** The declared stream the batch belongs to (see `ConnectorManifest.streams`). */
    stream: string;
    artifacts: Artifact[];
    /** The stream's checkpoint after this batch; plain JSON. */
    checkpoint: Checkpoint;
    /** Counters for progress displays, e.g. `{ pages: 3, hosts: 300 }`. */
    progress?: PollProgress;
}

/** What `poll` yields: a stream's batch, or a stream's status once that stream ended. */
export type PollItem<Checkpoint = unknown> = PollBatch<Checkpoint> | StreamStatus;

/** True when `item` is a stream's status rather than a batch. */
export function isStreamStatus(item: PollItem): item is StreamStatus {
    return 'status' in item;
}

/**
 * The contract every connector implements. The host validates the config before each command, commits each
 * batch's checkpoint (per stream) only after the sink acknowledged its artifacts, and replays each stream from
 * its last committed checkpoint after a crash: delivery is at-least-once.
 */
export interface Connector<Config = unknown> {
    /** Never throws on bad input: returns the typed config (and its secret values), or every problem with its path. */
    validateConfig(raw: unknown): ConfigValidation<Config>;
    /** Cheap, read-only check of reachability, credentials and permissions, with a hint per failure. Never throws. */
    testConnection(config: Config, ctx: ConnectorContext): Promise<ConnectionReport>;
    /**
     * Polls every stream from its last committed checkpoint (`checkpoints[stream]`, absent for a fresh one): yields
     * each stream's batches, then its status. A stream's failure is a `failed` status, and the other streams go
     * on (`runStreams` does both for you). Throwing fails every stream that reported no status yet. Stops when
     * `ctx.signal` aborts.
     */
    poll(config: Config, checkpoints: StreamCheckpoints, ctx: PollContext): AsyncIterable<PollItem>;
}
