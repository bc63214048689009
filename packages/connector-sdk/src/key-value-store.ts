/** DI token for the instance-scoped {@link KeyValueStore}. */
export const KeyValueStore = Symbol.for('@signal-connectors/connector-sdk:KeyValueStore');

/**
 * A small persistent key-value store the host gives a connector, scoped to one instance or to the
 * whole plugin (for caches shared by instances, such as a vulnerability KnowledgeBase). Values are
 * JSON-serialisable and survive restarts.
 */
export interface KeyValueStore {
    get<T>(key: string): Promise<T | undefined>;
    /** Values for the keys that exist; missing keys are absent from the map. */
    getMany<T>(keys: readonly string[]): Promise<Map<string, T>>;
    set<T>(key: string, value: T): Promise<void>;
    /** Writes all entries atomically. */
    setMany<T>(entries: Iterable<readonly [string, T]>): Promise<void>;
    delete(key: string): Promise<void>;
    /** Keys that start with `prefix` (all keys when omitted), in ascending order. */
    keys(prefix?: string): AsyncIterable<string>;
}
