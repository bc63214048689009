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
}

/**
 * The runtime's durable state: checkpoints, run history and plugin key-value namespaces. Writes are atomic;
 * a checkpoint is committed only after the sink acknowledged the batch it belongs to.
 */
export interface StateStore {
    getCheckpoint<T>(instanceId: string): T | undefined;
    /** Atomically stores the checkpoint and adds the batch's artifact count to the current run. */
    commitCheckpoint(instanceId: string, runId: string, checkpoint: unknown, artifacts: number): void;
    /** Forgets an instance's checkpoint (a full re-sync on the next poll). */
    resetCheckpoint(instanceId: string): void;
    startRun(instanceId: string, runId: string, startedAt: string): void;
    finishRun(instanceId: string, runId: string, finishedAt: string, result: RunResult, error?: RecordedError): void;
    setNextRun(instanceId: string, nextRunAt: string | undefined): void;
    /** Marks an instance failed after its latest run (the scheduler gives up quick retries); a success clears it. */
    markFailed(instanceId: string, reason: RecordedError): void;
    getStatus(instanceId: string): InstanceStatus;
    recentRuns(instanceId: string, limit: number): RunRecord[];
    /** A persistent key-value namespace, e.g. `instance:qualys-prod` or `plugin:signal-client.qualys`. */
    keyValueStore(namespace: string): KeyValueStore;
    close(): void;
}
