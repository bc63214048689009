import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { KeyValueStore } from '@signal-connectors/connector-sdk';
import { runInTransaction } from './sqlite-transaction.js';

/** Keys fetched per query while listing, so a large namespace is never loaded at once. */
const KEYS_PAGE_SIZE = 500;

/**
 * One namespace of the `kv` table, e.g. `instance:qualys-prod` or `plugin:signal-client.qualys`. Values are
 * stored as JSON text. The methods are async to honour the SDK contract, but run synchronously on the shared
 * connection: SQLite calls on a local file take microseconds, and one connection keeps writes ordered.
 */
export class SqliteKeyValueStore implements KeyValueStore {
    private readonly selectOne: StatementSync;
    private readonly selectMany: StatementSync;
    private readonly upsert: StatementSync;
    private readonly remove: StatementSync;
    private readonly selectKeysFrom: StatementSync;
    private readonly selectKeysAfter: StatementSync;

    constructor(
        private readonly db: DatabaseSync,
        /** The namespace every key of this store lives in. */
        readonly namespace: string
    ) {
        this.selectOne = db.prepare('SELECT value FROM kv WHERE namespace = ? AND key = ?');
        // One statement whatever the number of keys: they travel as one JSON array.
        this.selectMany = db.prepare(
            'SELECT key, value FROM kv WHERE namespace = ? AND key IN (SELECT value FROM json_each(?))'
        );
        this.upsert = db.prepare(
            `INSERT INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`
        );
        this.remove = db.prepare('DELETE FROM kv WHERE namespace = ? AND key = ?');
        // Range scans on the primary key (no LIKE: `%` and `_` in a prefix would be wildcards).
        this.selectKeysFrom = db.prepare('SELECT key FROM kv WHERE namespace = ? AND key >= ? ORDER BY key LIMIT ?');
        this.selectKeysAfter = db.prepare('SELECT key FROM kv WHERE namespace = ? AND key > ? ORDER BY key LIMIT ?');
    }

    async get<T>(key: string): Promise<T | undefined> {
        const row = this.selectOne.get(this.namespace, key) as { value: string } | undefined;
        return row === undefined ? undefined : (JSON.parse(row.value) as T);
    }

    async getMany<T>(keys: readonly string[]): Promise<Map<string, T>> {
        const found = new Map<string, T>();
        if (keys.length === 0) return found;
        const rows = this.selectMany.all(this.namespace, JSON.stringify(keys)) as { key: string; value: string }[];
        for (const row of rows) found.set(row.key, JSON.parse(row.value) as T);
        return found;
    }

    /** Stores a JSON-serialisable value; `undefined` deletes the key (JSON has no `undefined`). */
    async set<T>(key: string, value: T): Promise<void> {
        this.write(key, value, new Date().toISOString());
    }

    async setMany<T>(entries: Iterable<readonly [string, T]>): Promise<void> {
        const now = new Date().toISOString();
        runInTransaction(this.db, () => {
            for (const [key, value] of entries) this.write(key, value, now);
        });
    }

    async delete(key: string): Promise<void> {
        this.remove.run(this.namespace, key);
    }

    /** Keys starting with `prefix`, ascending in Unicode code point order, fetched page by page. */
    async *keys(prefix = ''): AsyncIterable<string> {
        let rows = this.selectKeysFrom.all(this.namespace, prefix, KEYS_PAGE_SIZE) as { key: string }[];
        while (rows.length > 0) {
            for (const { key } of rows) {
                // Keys sharing a prefix are contiguous in this order: the first one without it ends the range.
                if (!key.startsWith(prefix)) return;
                yield key;
            }
            if (rows.length < KEYS_PAGE_SIZE) return;
            rows = this.selectKeysAfter.all(this.namespace, rows[rows.length - 1].key, KEYS_PAGE_SIZE) as {
                key: string;
            }[];
        }
    }

    private write(key: string, value: unknown, now: string): void {
        if (typeof key !== 'string') throw new TypeError(`key-value store keys must be strings, not ${typeof key}`);
        const json = value === undefined ? undefined : JSON.stringify(value);
        if (json === undefined) {
            this.remove.run(this.namespace, key);
            return;
        }
        this.upsert.run(this.namespace, key, json, now);
    }
}
