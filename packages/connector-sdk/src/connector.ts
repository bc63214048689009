import type { Artifact } from './artifact.js';
import type { ConnectorErrorKind } from './connector-error.js';
import type { ConnectorContext, PollContext } from './connector-context.js';

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
 * A batch of artifacts and the checkpoint to commit once they are delivered. A checkpoint must let a new
 * poll resume right after this batch.
 */
export interface PollBatch<Checkpoint = unknown> {
    artifacts: Artifact[];
    checkpoint: Checkpoint;
    progress?: PollProgress;
}

/**
 * The contract every connector implements. The host validates the config before each command, commits each
 * batch's checkpoint only after the sink acknowledged its artifacts, and replays from the last committed one
 * after a crash: delivery is at-least-once.
 */
export interface Connector<Config = unknown, Checkpoint = unknown> {
    /** Never throws on bad input: returns the typed config (and its secret values), or every problem with its path. */
    validateConfig(raw: unknown): ConfigValidation<Config>;
    /** Cheap, read-only check of reachability, credentials and permissions, with a hint per failure. Never throws. */
    testConnection(config: Config, ctx: ConnectorContext): Promise<ConnectionReport>;
    /** Yields batches until the poll is complete; throws a `ConnectorError` on failure. Stops when `ctx.signal` aborts. */
    poll(config: Config, checkpoint: Checkpoint | undefined, ctx: PollContext): AsyncIterable<PollBatch<Checkpoint>>;
}
