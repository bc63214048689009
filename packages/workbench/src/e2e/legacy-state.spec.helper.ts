import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/**
 * The state database as the release before streams wrote it (schema version 1: one checkpoint per instance), so
 * that the upgrade path is tested on the real file a user has, not on what the current code would write.
 */
const VERSION_1_SCHEMA = `
    CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
    INSERT INTO schema_version VALUES (1, '2025-01-01T00:00:00.000Z');
    CREATE TABLE checkpoints (
        instance_id TEXT PRIMARY KEY, checkpoint TEXT NOT NULL, run_id TEXT, updated_at TEXT NOT NULL
    );
    CREATE TABLE runs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, instance_id TEXT NOT NULL,
        started_at TEXT NOT NULL, finished_at TEXT, result TEXT, artifacts INTEGER NOT NULL DEFAULT 0,
        batches INTEGER NOT NULL DEFAULT 0, error TEXT, UNIQUE (instance_id, run_id)
    );
    CREATE INDEX runs_by_instance ON runs (instance_id, seq);
    CREATE TABLE instance_status (
        instance_id TEXT PRIMARY KEY, next_run_at TEXT, failed_reason TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0, last_success_at TEXT,
        total_artifacts INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE kv (
        namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (namespace, key)
    ) WITHOUT ROWID;
`;

/** Writes `<dataDir>/state.db` as the release before streams left it: `checkpoint` as the instance's only one. */
export async function writeVersion1State(dataDir: string, instanceId: string, checkpoint: unknown): Promise<void> {
    await mkdir(dataDir, { recursive: true });
    const db = new DatabaseSync(join(dataDir, 'state.db'));
    try {
        db.exec(VERSION_1_SCHEMA);
        db.prepare(`INSERT INTO checkpoints VALUES (?, ?, 'run-before-streams', ?)`).run(
            instanceId,
            JSON.stringify(checkpoint),
            new Date().toISOString()
        );
    } finally {
        db.close();
    }
}
