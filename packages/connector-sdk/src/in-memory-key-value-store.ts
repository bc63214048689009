import type { KeyValueStore } from './key-value-store.js';
import { assertJsonValue } from './json-value.js';

/**
 * A {@link KeyValueStore} in memory: the testing kit's store, and the host's for commands that must not touch its
 * database. Values are kept as JSON text, so a caller sees exactly what a connector would read back from the
 * host's persistent store; and a value that is not plain JSON (a Date, a
 * Map, a class instance, NaN...) is rejected with a TypeError naming the key and the path, instead of
 * silently changing shape after the first restart in production.
 */
export class InMemoryKeyValueStore implements KeyValueStore {
    private readonly entries = new Map<string, string>();

    /** Starts with `initial` entries, checked and cloned like any `set`. */
    constructor(initial: Iterable<readonly [string, unknown]> | Record<string, unknown> = []) {
        const pairs = Symbol.iterator in initial ? initial : Object.entries(initial);
        for (const [key, value] of pairs) this.entries.set(key, encode(key, value));
    }

    /** How many keys are stored. */
    get size(): number {
        return this.entries.size;
    }

    async get<T>(key: string): Promise<T | undefined> {
        const text = this.entries.get(key);
        return text === undefined ? undefined : (JSON.parse(text) as T);
    }

    async getMany<T>(keys: readonly string[]): Promise<Map<string, T>> {
        const found = new Map<string, T>();
        for (const key of keys) {
            const text = this.entries.get(key);
            if (text !== undefined) found.set(key, JSON.parse(text) as T);
        }
        return found;
    }

    async set<T>(key: string, value: T): Promise<void> {
        this.entries.set(key, encode(key, value));
    }

    async setMany<T>(entries: Iterable<readonly [string, T]>): Promise<void> {
        // Encode everything first: one bad value must leave the store untouched, as an atomic write would.
        const encoded = [...entries].map(([key, value]) => [key, encode(key, value)] as const);
        for (const [key, text] of encoded) this.entries.set(key, text);
    }

    async delete(key: string): Promise<void> {
        this.entries.delete(key);
    }

    async *keys(prefix = ''): AsyncIterable<string> {
        const matching = [...this.entries.keys()].filter(key => key.startsWith(prefix)).sort();
        for (const key of matching) yield key;
    }

    /** A plain copy of everything stored, for assertions (`expect(store.snapshot()).to.deep.equal({...})`). */
    snapshot(): Record<string, unknown> {
        const copy: Record<string, unknown> = {};
        for (const key of [...this.entries.keys()].sort()) copy[key] = JSON.parse(this.entries.get(key)!);
        return copy;
    }

    /** Removes every key. */
    clear(): void {
        this.entries.clear();
    }
}

function encode(key: string, value: unknown): string {
    if (value === undefined) throw new TypeError(`the value for '${key}' is undefined; use delete() to remove a key`);
    assertJsonValue(value, `the value for '${key}'`);
    return JSON.stringify(value);
}
