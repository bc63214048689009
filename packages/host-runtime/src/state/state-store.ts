import type { KeyValueStore } from '@signal-connectors/connector-sdk';

/** DI token for {@link StateStore}. */
export const StateStore = Symbol('StateStore');

/** How a poll ended. */
export type RunResult = 'success' | 'failed' | 'cancelled';

/** The last error of an instance, secret-free. */
export interface RecordedError {
    kind: string;
    message: string;
    hint?: string;
}

/** How a stream ended in a poll: the status the connector reported (or the host recorded for it). */
export type StreamResult = 'complete' | 'failed';

/** What one stream did in one poll. */
export interface RunStreamOutcome {
    /** Absent when the stream reported nothing (not run, or the poll was stopped). */
    status?: StreamResult;
    /** Artifacts delivered and committed for the stream. */
    artifacts: number;
    batches: number;
    /** Set when the stream failed. */
    error?: RecordedError;
}

/** One poll of one instance, as recorded in the status history. */
export interface RunRecord {
    runId: string;
    instanceId: string;
    startedAt: string;
    finishedAt?: string;
    result?: RunResult;
    artifacts: number;
    batches: number;
    error?: RecordedError;
    /** What each stream did, by stream id (recorded when the run finished). */
    streams?: Record<string, RunStreamOutcome>;
}

/** The durable state of one stream of one instance: its checkpoint's age and its last status. */
export interface StreamState {
    stream: string;
    /** When the stream's checkpoint was last committed (ISO); absent when it has none. */
    checkpointAt?: string;
    /** The last status recorded; absent until the stream first ends. */
    status?: StreamResult;
    /** When `status` was recorded (ISO). */
    statusAt?: string;
    /** The error of the last status, while it is `failed`. */
    error?: RecordedError;
    /** The run that last committed or recorded a status for the stream. */
    runId?: string;
    /** Artifacts committed for the stream by that run. */
    runArtifacts: number;
    /** Artifacts committed for the stream over its lifetime. */
    totalArtifacts: number;
}

/** What `status` shows per instance. */
export interface InstanceStatus {
    instanceId: string;
    lastRun?: RunRecord;
    lastSuccessAt?: string;
    consecutiveFailures: number;
    /**
     * Set when the instance failed with a kind retrying cannot fix (auth, permission, config, not_found), or
     * when its `protocol` failures outlasted their bounded retries; cleared by the next success.
     */
    failedReason?: RecordedError;
    nextRunAt?: string;
    /** Artifacts delivered over the instance's lifetime. */
    totalArtifacts: number;
    /** Each stream that committed a checkpoint or recorded a status, by stream id. */
    streams: StreamState[];
}

/**
 * The runtime's durable state: checkpoints and statuses per (instance, stream), run history, instance status and
 * plugin key-value namespaces. Writes are atomic; a checkpoint is committed only after the sink acknowledged the
 * batch it belongs to. An interface, so that another backend can hold the state.
 */
export interface StateStore {
    /**
     * The last committed checkpoint of each stream of an instance, by stream id (plain JSON as committed; a stream
     * without one is absent). A checkpoint from before streams existed is under `LEGACY_CHECKPOINT_KEY`.
     */
    getCheckpoints(instanceId: string): Record<string, unknown>;
    /**
     * Atomically stores a stream's checkpoint and adds the batch's artifact count to the stream, the current run and
     * the instance.
     */
    commitCheckpoint(instanceId: string, runId: string, stream: string, checkpoint: unknown, artifacts: number): void;
    /** Records how a stream ended in a run; `error` only with `failed`. */
    recordStreamStatus(
        instanceId: string,
        runId: string,
        stream: string,
        at: string,
        status: StreamResult,
        error?: RecordedError
    ): void;
    /** Forgets one stream's checkpoint, or every stream's when `stream` is omitted (a full re-sync of them). */
    resetCheckpoint(instanceId: string, stream?: string): void;
    startRun(instanceId: string, runId: string, startedAt: string): void;
    finishRun(
        instanceId: string,
        runId: string,
        finishedAt: string,
        result: RunResult,
        error?: RecordedError,
        streams?: Record<string, RunStreamOutcome>
    ): void;
    setNextRun(instanceId: string, nextRunAt: string | undefined): void;
    /** Marks an instance failed after its latest run (the scheduler gives up quick retries); a success clears it. */
    markFailed(instanceId: string, reason: RecordedError): void;
    getStatus(instanceId: string): InstanceStatus;
    recentRuns(instanceId: string, limit: number): RunRecord[];
    /** A persistent key-value namespace, e.g. `instance:qualys-prod` or `plugin:signal-client.qualys`. */
    keyValueStore(namespace: string): KeyValueStore;
    close(): void;
}
