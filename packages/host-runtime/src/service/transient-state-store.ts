import { InMemoryKeyValueStore, type KeyValueStore } from '@signal-connectors/connector-sdk';
import type { InstanceStatus, RecordedError, RunRecord, RunResult, StateStore } from '../state/state-store.js';

/**
 * A {@link StateStore} that lives and dies with the process, for commands that compose instances without polling
 * them (`validate`, `test`). They must not need the state database: it is locked while the service runs, and
 * checking a config or a connection must work next to a running service.
 */
export class TransientStateStore implements StateStore {
    private readonly stores = new Map<string, InMemoryKeyValueStore>();

    getCheckpoints(): Record<string, unknown> {
        return {};
    }

    commitCheckpoint(): void {
        throw new Error('this command does not poll, so it has no checkpoint to commit');
    }

    recordStreamStatus(): void {
        throw new Error('this command does not poll, so it has no stream status to record');
    }

    resetCheckpoint(): void {}

    startRun(): void {}

    finishRun(_instanceId: string, _runId: string, _at: string, _result: RunResult, _error?: RecordedError): void {}

    setNextRun(): void {}

    markFailed(): void {}

    getStatus(instanceId: string): InstanceStatus {
        return { instanceId, consecutiveFailures: 0, totalArtifacts: 0, streams: [] };
    }

    recentRuns(): RunRecord[] {
        return [];
    }

    keyValueStore(namespace: string): KeyValueStore {
        let store = this.stores.get(namespace);
        if (store === undefined) {
            store = new InMemoryKeyValueStore();
            this.stores.set(namespace, store);
        }
        return store;
    }

    close(): void {
        this.stores.clear();
    }
}
