import { FATAL_ERROR_KINDS, type ConnectorErrorKind, type KeyValueStore } from '@signal-connectors/connector-sdk';
import { TransientStateStore } from '../service/transient-state-store.js';
import type { InstanceStatus, RecordedError, RunRecord, RunResult, StateStore } from '../state/state-store.js';

/** One call to {@link InMemoryStateStore.commitCheckpoint}, kept for assertions. */
export interface CommitRecord {
    instanceId: string;
    runId: string;
    checkpoint: unknown;
    artifacts: number;
}

/**
 * A {@link StateStore} in memory with the semantics the runtime relies on: commits add to the current run,
 * `finishRun` keeps the failure count, the last success and, for kinds retrying cannot fix, the failed reason.
 * Checkpoints are deep-copied, as a database would.
 */
export class InMemoryStateStore implements StateStore {
    readonly commits: CommitRecord[] = [];
    readonly nextRuns: { instanceId: string; nextRunAt: string | undefined }[] = [];
    private readonly checkpoints = new Map<string, string>();
    private readonly runs = new Map<string, RunRecord[]>();
    private readonly statuses = new Map<string, InstanceStatus>();
    // The key-value namespaces behave exactly like the host's transient ones.
    private readonly namespaces = new TransientStateStore();
    closed = false;

    getCheckpoint<T>(instanceId: string): T | undefined {
        const text = this.checkpoints.get(instanceId);
        return text === undefined ? undefined : (JSON.parse(text) as T);
    }

    commitCheckpoint(instanceId: string, runId: string, checkpoint: unknown, artifacts: number): void {
        this.checkpoints.set(instanceId, JSON.stringify(checkpoint));
        this.commits.push({
            instanceId,
            runId,
            checkpoint: JSON.parse(JSON.stringify(checkpoint)) as unknown,
            artifacts
        });
        const run = this.run(instanceId, runId);
        if (run !== undefined) {
            run.artifacts += artifacts;
            run.batches += 1;
        }
        this.status(instanceId).totalArtifacts += artifacts;
    }

    resetCheckpoint(instanceId: string): void {
        this.checkpoints.delete(instanceId);
    }

    startRun(instanceId: string, runId: string, startedAt: string): void {
        const runs = this.runs.get(instanceId) ?? [];
        runs.push({ runId, instanceId, startedAt, artifacts: 0, batches: 0 });
        this.runs.set(instanceId, runs);
    }

    finishRun(instanceId: string, runId: string, finishedAt: string, result: RunResult, error?: RecordedError): void {
        const run = this.run(instanceId, runId);
        if (run === undefined) throw new Error(`no run ${runId} of ${instanceId}`);
        Object.assign(run, { finishedAt, result }, error === undefined ? {} : { error });
        const status = this.status(instanceId);
        status.lastRun = { ...run };
        if (result === 'success') {
            status.lastSuccessAt = finishedAt;
            status.consecutiveFailures = 0;
            delete status.failedReason;
        } else if (result === 'failed') {
            status.consecutiveFailures += 1;
            if (error !== undefined && FATAL_ERROR_KINDS.includes(error.kind as ConnectorErrorKind))
                status.failedReason = error;
            else delete status.failedReason;
        }
    }

    setNextRun(instanceId: string, nextRunAt: string | undefined): void {
        this.nextRuns.push({ instanceId, nextRunAt });
        const status = this.status(instanceId);
        if (nextRunAt === undefined) delete status.nextRunAt;
        else status.nextRunAt = nextRunAt;
    }

    markFailed(instanceId: string, reason: RecordedError): void {
        this.status(instanceId).failedReason = { ...reason };
    }

    getStatus(instanceId: string): InstanceStatus {
        return JSON.parse(JSON.stringify(this.status(instanceId))) as InstanceStatus;
    }

    recentRuns(instanceId: string, limit: number): RunRecord[] {
        return (this.runs.get(instanceId) ?? [])
            .slice(-limit)
            .reverse()
            .map(run => ({ ...run }));
    }

    keyValueStore(namespace: string): KeyValueStore {
        return this.namespaces.keyValueStore(namespace);
    }

    close(): void {
        this.closed = true;
    }

    private run(instanceId: string, runId: string): RunRecord | undefined {
        return this.runs.get(instanceId)?.find(run => run.runId === runId);
    }

    private status(instanceId: string): InstanceStatus {
        let status = this.statuses.get(instanceId);
        if (status === undefined) {
            status = { instanceId, consecutiveFailures: 0, totalArtifacts: 0 };
            this.statuses.set(instanceId, status);
        }
        return status;
    }
}
