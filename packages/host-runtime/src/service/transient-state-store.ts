import type { KeyValueStore } from '@signal-connectors/connector-sdk';
import type { InstanceStatus, RecordedError, RunRecord, RunResult, StateStore } from '../state/state-store.js';

/**
 * A {@link StateStore} that lives and dies with the process, for commands that compose instances without polling
 * them (`validate`, `test`). They must not need the state database: it is locked while the service runs, and
 * checking a config or a connection must work next to a running service.
 */
export class TransientStateStore implements StateStore {
    private readonly stores = new Map<string, MemoryKeyValueStore>();

    getCheckpoint<T>(): T | undefined {
        return undefined;
    }

    commitCheckpoint(): void {
        throw new Error('this command does not poll, so it has no checkpoint to commit');
    }

    resetCheckpoint(): void {}

    startRun(): void {}

    finishRun(_instanceId: string, _runId: string, _at: string, _result: RunResult, _error?: RecordedError): void {}

    setNextRun(): void {}

    markFailed(): void {}

    getStatus(instanceId: string): InstanceStatus {
        return { instanceId, consecutiveFailures: 0, totalArtifacts: 0 };
    }

    recentRuns(): RunRecord[] {
        return [];
    }

    keyValueStore(namespace: string): KeyValueStore {
        let store = this.stores.get(namespace);
        if (store === undefined) {
            store = new MemoryKeyValueStore();
            this.stores.set(namespace, store);
        }
        return store;
    }

    close(): void {
        this.stores.clear();
    }
}

/** A {@link KeyValueStore} in a Map; values are copied through JSON, as a database would store them. */
class MemoryKeyValueStore implements KeyValueStore {
    private readonly values = new Map<string, string>();

    async get<T>(key: string): Promise<T | undefined> {
        const text = this.values.get(key);
        return text === undefined ? undefined : (JSON.parse(text) as T);
    }

    async getMany<T>(keys: readonly string[]): Promise<Map<string, T>> {
        const found = new Map<string, T>();
        for (const key of keys) {
            const text = this.values.get(key);
            if (text !== undefined) found.set(key, JSON.parse(text) as T);
        }
        return found;
    }

    async set<T>(key: string, value: T): Promise<void> {
        this.values.set(key, JSON.stringify(value));
    }

    async setMany<T>(entries: Iterable<readonly [string, T]>): Promise<void> {
        for (const [key, value] of entries) this.values.set(key, JSON.stringify(value));
    }

    async delete(key: string): Promise<void> {
        this.values.delete(key);
    }

    async *keys(prefix = ''): AsyncIterable<string> {
        yield* [...this.values.keys()].filter(key => key.startsWith(prefix)).sort();
    }
}
