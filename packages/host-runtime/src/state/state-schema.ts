import type { DatabaseSync } from 'node:sqlite';
import { runInTransaction } from './sqlite-transaction.js';
import { StateStoreError } from './state-store-error.js';

/** One step of the state database's schema; steps run once, in order, each in its own transaction. */
interface Migration {
    version: number;
    sql: string;
}

/**
 * The schema, as the list of steps that build it. Append new steps; never edit a released one, since
 * existing databases have already run it.
 */
const MIGRATIONS: readonly Migration[] = [
    {
        version: 1,
        sql: `
            CREATE TABLE checkpoints (
                instance_id TEXT PRIMARY KEY,
                checkpoint  TEXT NOT NULL,
                run_id      TEXT,
                updated_at  TEXT NOT NULL
            );
            CREATE TABLE runs (
                seq         INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id      TEXT NOT NULL,
                instance_id TEXT NOT NULL,
                started_at  TEXT NOT NULL,
                finished_at TEXT,
                result      TEXT,
                artifacts   INTEGER NOT NULL DEFAULT 0,
                batches     INTEGER NOT NULL DEFAULT 0,
                error       TEXT,
                UNIQUE (instance_id, run_id)
            );
            CREATE INDEX runs_by_instance ON runs (instance_id, seq);
            CREATE TABLE instance_status (
                instance_id          TEXT PRIMARY KEY,
                next_run_at          TEXT,
                failed_reason        TEXT,
                consecutive_failures INTEGER NOT NULL DEFAULT 0,
                last_success_at      TEXT,
                total_artifacts      INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE kv (
                namespace  TEXT NOT NULL,
                key        TEXT NOT NULL,
                value      TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (namespace, key)
            ) WITHOUT ROWID;
        `
    },
    {
        // Instances made in the console. Secret settings are stored only encrypted (sealed_secrets).
        version: 2,
        sql: `
            CREATE TABLE console_instances (
                id               TEXT PRIMARY KEY,
                connector        TEXT NOT NULL,
                enabled          INTEGER NOT NULL,
                polling_interval TEXT NOT NULL,
                settings         TEXT NOT NULL,
                sealed_secrets   TEXT,
                created_at       TEXT NOT NULL,
                updated_at       TEXT NOT NULL
            );
        `
    },
    {
        // Streams: a checkpoint and a status per (instance, stream). Each instance's one checkpoint moves under the
        // reserved stream '_legacy' (the SDK's LEGACY_CHECKPOINT_KEY), from which its connector resumes without a
        // full re-sync; runs record what each stream did.
        version: 3,
        sql: `
            CREATE TABLE stream_state (
                instance_id     TEXT NOT NULL,
                stream          TEXT NOT NULL,
                checkpoint      TEXT,
                checkpoint_at   TEXT,
                status          TEXT,
                status_at       TEXT,
                error           TEXT,
                run_id          TEXT,
                run_artifacts   INTEGER NOT NULL DEFAULT 0,
                total_artifacts INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (instance_id, stream)
            ) WITHOUT ROWID;
            INSERT INTO stream_state (instance_id, stream, checkpoint, checkpoint_at, run_id)
                SELECT instance_id, '_legacy', checkpoint, updated_at, run_id FROM checkpoints;
            DROP TABLE checkpoints;
            ALTER TABLE runs ADD COLUMN streams TEXT;
        `
    }
];

/** The schema version this release writes. */
export const STATE_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Brings the database up to {@link STATE_SCHEMA_VERSION} (or to `upTo`, which tests use to make a database as an
 * earlier release left it). Refuses (without changing anything) a database written by a newer release: running
 * old code on a newer schema could silently lose state.
 */
export function migrateStateSchema(db: DatabaseSync, path: string, upTo = STATE_SCHEMA_VERSION): void {
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: number | null };
    const current = row.version ?? 0;
    if (current > STATE_SCHEMA_VERSION) throw StateStoreError.newerSchema(path, current, STATE_SCHEMA_VERSION);
    const record = db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)');
    for (const migration of MIGRATIONS) {
        if (migration.version <= current || migration.version > upTo) continue;
        runInTransaction(db, () => {
            db.exec(migration.sql);
            record.run(migration.version, new Date().toISOString());
        });
    }
}
