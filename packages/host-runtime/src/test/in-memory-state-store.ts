import {
    FATAL_ERROR_KINDS,
    LEGACY_CHECKPOINT_KEY,
    type ConnectorErrorKind,
    type KeyValueStore
} from '@signal-connectors/connector-sdk';
import { TransientStateStore } from '../service/transient-state-store.js';
import type {
    InstanceStatus,
    RecordedError,
    RunRecord,
    RunResult,
    RunStreamOutcome,
    StateStore,
    StreamResult,
    StreamState
} from '../state/state-store.js';

/** One call to {@link InMemoryStateStore.commitCheckpoint}, kept for assertions. */
export interface CommitRecord {
    instanceId: string;
    runId: string;
    stream: string;
    checkpoint: unknown;
    artifacts: number;
}

/** One stream's state, with its checkpoint as JSON text (as a database holds it). */
interface StoredStream extends StreamState {
    checkpointJson?: string;
}

/**
 * A {@link StateStore} in memory with the semantics the runtime relies on: commits add to the stream, the current
 * run and the instance, `finishRun` keeps the failure count, the last success and, for kinds retrying cannot fix,
 * the failed reason. Checkpoints are deep-copied, as a database would.
 */
export class InMemoryStateStore implements StateStore {
    readonly commits: CommitRecord[] = [];
    readonly nextRuns: { instanceId: string; nextRunAt: string | undefined }[] = [];
    private readonly streams = new Map<string, Map<string, StoredStream>>();
    private readonly runs = new Map<string, RunRecord[]>();
    private readonly statuses = new Map<string, InstanceStatus>();
    // The key-value namespaces behave exactly like the host's transient ones.
    private readonly namespaces = new TransientStateStore();
    closed = false;

    getCheckpoints(instanceId: string): Record<string, unknown> {
        const checkpoints: Record<string, unknown> = {};
        for (const [stream, state] of this.streams.get(instanceId) ?? []) {
            const checkpoint: unknown = state.checkpointJson === undefined ? null : JSON.parse(state.checkpointJson);
            if (checkpoint !== null) checkpoints[stream] = checkpoint;
        }
        return checkpoints;
    }

    commitCheckpoint(instanceId: string, runId: string, stream: string, checkpoint: unknown, artifacts: number): void {
        const json = JSON.stringify(checkpoint ?? null);
        const state = this.stream(instanceId, stream);
        state.checkpointJson = json;
        state.checkpointAt = new Date().toISOString();
        state.runArtifacts = state.runId === runId ? state.runArtifacts + artifacts : artifacts;
        state.runId = runId;
        state.totalArtifacts += artifacts;
        this.commits.push({ instanceId, runId, stream, checkpoint: JSON.parse(json) as unknown, artifacts });
        const run = this.run(instanceId, runId);
        if (run !== undefined) {
            run.artifacts += artifacts;
            run.batches += 1;
        }
        this.status(instanceId).totalArtifacts += artifacts;
    }

    recordStreamStatus(
        instanceId: string,
        runId: string,
        stream: string,
        at: string,
        status: StreamResult,
        error?: RecordedError
    ): void {
        const state = this.stream(instanceId, stream);
        if (state.runId !== runId) state.runArtifacts = 0;
        Object.assign(state, { runId, status, statusAt: at });
        if (status === 'failed' && error !== undefined) state.error = { ...error };
        else delete state.error;
    }

    resetCheckpoint(instanceId: string, stream?: string): void {
        const streams = this.streams.get(instanceId);
        for (const [id, state] of streams ?? []) {
            if (stream !== undefined && id !== stream) continue;
            delete state.checkpointJson;
            delete state.checkpointAt;
            if (state.status === undefined && state.totalArtifacts === 0) streams?.delete(id);
        }
    }

    startRun(instanceId: string, runId: string, startedAt: string): void {
        const runs = this.runs.get(instanceId) ?? [];
        runs.push({ runId, instanceId, startedAt, artifacts: 0, batches: 0 });
        this.runs.set(instanceId, runs);
    }

    finishRun(
        instanceId: string,
        runId: string,
        finishedAt: string,
        result: RunResult,
        error?: RecordedError,
        streams?: Record<string, RunStreamOutcome>
    ): void {
        const run = this.run(instanceId, runId);
        if (run === undefined) throw new Error(`no run ${runId} of ${instanceId}`);
        Object.assign(
            run,
            { finishedAt, result },
            error === undefined ? {} : { error },
            streams === undefined ? {} : { streams: JSON.parse(JSON.stringify(streams)) as typeof streams }
        );
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
        const streams = [...(this.streams.get(instanceId)?.values() ?? [])]
            .filter(state => state.stream !== LEGACY_CHECKPOINT_KEY)
            .sort((a, b) => a.stream.localeCompare(b.stream))
            .map(({ checkpointJson: _json, ...state }) => state);
        return JSON.parse(JSON.stringify({ ...this.status(instanceId), streams })) as InstanceStatus;
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

    private stream(instanceId: string, stream: string): StoredStream {
        let streams = this.streams.get(instanceId);
        if (streams === undefined) {
            streams = new Map();
            this.streams.set(instanceId, streams);
        }
        let state = streams.get(stream);
        if (state === undefined) {
            state = { stream, runArtifacts: 0, totalArtifacts: 0 };
            streams.set(stream, state);
        }
        return state;
    }

    private run(instanceId: string, runId: string): RunRecord | undefined {
        return this.runs.get(instanceId)?.find(run => run.runId === runId);
    }

    private status(instanceId: string): InstanceStatus {
        let status = this.statuses.get(instanceId);
        if (status === undefined) {
            status = { instanceId, consecutiveFailures: 0, totalArtifacts: 0, streams: [] };
            this.statuses.set(instanceId, status);
        }
        return status;
    }
}
