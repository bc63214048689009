import { join, resolve } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { FATAL_ERROR_KINDS, type KeyValueStore, type Logger } from '@signal-connectors/connector-sdk';
import { restrictDirectory } from '../files/file-modes.js';
import { holdDatabase, releaseDatabase, removeLegacyLockFile } from './data-dir-lock.js';
import { openCheckedDatabase } from './open-checked-database.js';
import { SqliteKeyValueStore } from './sqlite-key-value-store.js';
import { runInTransaction } from './sqlite-transaction.js';
import type { InstanceStore, StoredInstance } from './instance-store.js';
import type { InstanceStatus, RecordedError, RunRecord, RunResult, StateStore } from './state-store.js';
import { migrateStateSchema } from './state-schema.js';
import { StateStoreError } from './state-store-error.js';

/** Options of {@link SqliteStateStore}. */
export interface SqliteStateStoreOptions {
    /** Directory of the database (`state.db`); created when missing. */
    dataDir: string;
    /**
     * Mode of the data directory (default 0700); 0710 lets a group reach artifacts it may read under it. Applied to
     * an existing directory too.
     */
    dataDirMode?: number;
    /** Receives the removal of an earlier release's lock file and similar events. */
    logger?: Logger;
    /** Runs kept per instance in the history (default 100). */
    maxRunsPerInstance?: number;
    /** How long a statement waits for SQLite's own write lock before failing (default 2000 ms). */
    busyTimeoutMs?: number;
}

/** File name of the database inside the data directory. */
export const STATE_DATABASE_FILE = 'state.db';

interface RunRow {
    run_id: string;
    instance_id: string;
    started_at: string;
    finished_at: string | null;
    result: RunResult | null;
    artifacts: number;
    batches: number;
    error: string | null;
}

interface InstanceRow {
    id: string;
    connector: string;
    enabled: number;
    polling_interval: string;
    settings: string;
    sealed_secrets: string | null;
    created_at: string;
    updated_at: string;
}

interface StatusRow {
    next_run_at: string | null;
    failed_reason: string | null;
    consecutive_failures: number;
    last_success_at: string | null;
    total_artifacts: number;
}

/**
 * The {@link StateStore} on a SQLite file, `<dataDir>/state.db` (WAL journal, so a crash never leaves a
 * half-applied commit). The data directory is private (0700, or 0710 so a group can reach artifacts it may read)
 * and the database file 0600. The database is locked for the store's lifetime by
 * SQLite's own lock, which the operating system releases when the process dies (see `lockDatabase`); a database
 * that is locked, corrupt or from a newer release makes the constructor throw a `StateStoreError` that says what
 * to do, and is left exactly as it was.
 */
export class SqliteStateStore implements StateStore, InstanceStore {
    /** Absolute path of the database file. */
    readonly path: string;
    private readonly db: DatabaseSync;
    private readonly maxRuns: number;
    private readonly statements: Record<string, StatementSync>;
    private closed = false;

    constructor(options: SqliteStateStoreOptions) {
        const dataDir = resolve(options.dataDir);
        this.path = join(dataDir, STATE_DATABASE_FILE);
        this.maxRuns = options.maxRunsPerInstance ?? 100;
        try {
            restrictDirectory(dataDir, options.dataDirMode);
        } catch (error) {
            throw new StateStoreError(
                'io',
                this.path,
                `cannot create dataDir ${dataDir} (${(error as Error).message}): create it, writable by the user ` +
                    'running signal-client, or set dataDir to another directory',
                { cause: error }
            );
        }
        this.db = openCheckedDatabase(this.path, options.busyTimeoutMs ?? 2000, db =>
            migrateStateSchema(db, this.path)
        );
        holdDatabase(this.path, () => this.close());
        removeLegacyLockFile(this.path, options.logger);
        this.statements = this.prepareStatements();
    }

    getCheckpoint<T>(instanceId: string): T | undefined {
        const row = this.statements.getCheckpoint.get(instanceId) as { checkpoint: string } | undefined;
        // An `undefined` checkpoint is stored as JSON null; it reads back as "no checkpoint", as it was given.
        return row === undefined ? undefined : ((JSON.parse(row.checkpoint) ?? undefined) as T | undefined);
    }

    commitCheckpoint(instanceId: string, runId: string, checkpoint: unknown, artifacts: number): void {
        // Serialised first: a checkpoint that cannot be stored must fail before anything is written.
        const json = JSON.stringify(checkpoint ?? null);
        const now = new Date().toISOString();
        runInTransaction(this.db, () => {
            this.statements.upsertCheckpoint.run(instanceId, json, runId, now);
            this.statements.countBatch.run(runId, instanceId, now, artifacts);
            this.statements.addArtifacts.run(instanceId, artifacts);
        });
    }

    resetCheckpoint(instanceId: string): void {
        this.statements.deleteCheckpoint.run(instanceId);
    }

    startRun(instanceId: string, runId: string, startedAt: string): void {
        runInTransaction(this.db, () => {
            this.statements.insertRun.run(runId, instanceId, startedAt);
            this.statements.pruneRuns.run(instanceId, instanceId, this.maxRuns);
        });
    }

    finishRun(instanceId: string, runId: string, finishedAt: string, result: RunResult, error?: RecordedError): void {
        const errorJson = error === undefined ? null : JSON.stringify(error);
        runInTransaction(this.db, () => {
            this.statements.finishRun.run(runId, instanceId, finishedAt, result, errorJson);
            if (result === 'success') {
                this.statements.recordSuccess.run(instanceId, finishedAt);
            } else if (result === 'failed') {
                // Only kinds retrying cannot fix park the instance; a later non-fatal failure means the cause moved on.
                const fatal = error !== undefined && (FATAL_ERROR_KINDS as readonly string[]).includes(error.kind);
                this.statements.recordFailure.run(instanceId, fatal ? errorJson : null);
            }
            // A cancelled run (shutdown, timeout) says nothing about the instance's health.
        });
    }

    setNextRun(instanceId: string, nextRunAt: string | undefined): void {
        this.statements.setNextRun.run(instanceId, nextRunAt ?? null);
    }

    markFailed(instanceId: string, reason: RecordedError): void {
        this.statements.markFailed.run(instanceId, JSON.stringify(reason));
    }

    /** Clears the failed reason of an instance, e.g. once its config changed, so that it is polled again. */
    clearFailedReason(instanceId: string): void {
        this.statements.clearFailedReason.run(instanceId);
    }

    getStatus(instanceId: string): InstanceStatus {
        const row = this.statements.getStatus.get(instanceId) as StatusRow | undefined;
        const [lastRun] = this.recentRuns(instanceId, 1);
        return {
            instanceId,
            ...(lastRun === undefined ? {} : { lastRun }),
            ...(row?.last_success_at == null ? {} : { lastSuccessAt: row.last_success_at }),
            consecutiveFailures: row?.consecutive_failures ?? 0,
            ...(row?.failed_reason == null ? {} : { failedReason: JSON.parse(row.failed_reason) as RecordedError }),
            ...(row?.next_run_at == null ? {} : { nextRunAt: row.next_run_at }),
            totalArtifacts: row?.total_artifacts ?? 0
        };
    }

    /** The latest runs of an instance, newest first. */
    recentRuns(instanceId: string, limit: number): RunRecord[] {
        const rows = this.statements.recentRuns.all(instanceId, Math.max(0, Math.floor(limit))) as unknown as RunRow[];
        return rows.map(toRunRecord);
    }

    keyValueStore(namespace: string): KeyValueStore {
        return new SqliteKeyValueStore(this.db, namespace);
    }

    listInstances(): StoredInstance[] {
        return (this.statements.listInstances.all() as unknown as InstanceRow[]).map(toStoredInstance);
    }

    getInstance(id: string): StoredInstance | undefined {
        const row = this.statements.getInstance.get(id) as InstanceRow | undefined;
        return row === undefined ? undefined : toStoredInstance(row);
    }

    saveInstance(instance: StoredInstance): void {
        this.statements.saveInstance.run(
            instance.id,
            instance.connector,
            instance.enabled ? 1 : 0,
            instance.pollingInterval,
            JSON.stringify(instance.settings),
            instance.sealedSecrets ?? null,
            instance.createdAt,
            instance.updatedAt
        );
    }

    deleteInstance(id: string): boolean {
        return runInTransaction(this.db, () => {
            const deleted = Number(this.statements.deleteInstance.run(id).changes) > 0;
            for (const table of ['checkpoints', 'runs', 'instance_status'])
                this.db.prepare(`DELETE FROM ${table} WHERE instance_id = ?`).run(id);
            this.db.prepare('DELETE FROM kv WHERE namespace = ?').run(`instance:${id}`);
            return deleted;
        });
    }

    /** Closes the database, which releases its lock. Idempotent. */
    close(): void {
        if (this.closed) return;
        this.closed = true;
        try {
            this.db.close();
        } finally {
            releaseDatabase(this.path);
        }
    }

    private prepareStatements(): Record<string, StatementSync> {
        const sql = (text: string): StatementSync => this.db.prepare(text);
        return {
            getCheckpoint: sql('SELECT checkpoint FROM checkpoints WHERE instance_id = ?'),
            upsertCheckpoint: sql(
                `INSERT INTO checkpoints (instance_id, checkpoint, run_id, updated_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT (instance_id) DO UPDATE
                 SET checkpoint = excluded.checkpoint, run_id = excluded.run_id, updated_at = excluded.updated_at`
            ),
            deleteCheckpoint: sql('DELETE FROM checkpoints WHERE instance_id = ?'),
            // A batch committed for a run nobody started (should not happen) still counts, in a run of its own.
            countBatch: sql(
                `INSERT INTO runs (run_id, instance_id, started_at, artifacts, batches) VALUES (?, ?, ?, ?, 1)
                 ON CONFLICT (instance_id, run_id) DO UPDATE
                 SET artifacts = artifacts + excluded.artifacts, batches = batches + 1`
            ),
            addArtifacts: sql(
                `INSERT INTO instance_status (instance_id, total_artifacts) VALUES (?, ?)
                 ON CONFLICT (instance_id) DO UPDATE SET total_artifacts = total_artifacts + excluded.total_artifacts`
            ),
            insertRun: sql(
                `INSERT INTO runs (run_id, instance_id, started_at) VALUES (?, ?, ?)
                 ON CONFLICT (instance_id, run_id) DO UPDATE SET started_at = excluded.started_at`
            ),
            pruneRuns: sql(
                `DELETE FROM runs WHERE instance_id = ? AND seq NOT IN
                 (SELECT seq FROM runs WHERE instance_id = ? ORDER BY seq DESC LIMIT ?)`
            ),
            finishRun: sql(
                `INSERT INTO runs (run_id, instance_id, started_at, finished_at, result, error)
                 VALUES (?1, ?2, ?3, ?3, ?4, ?5)
                 ON CONFLICT (instance_id, run_id) DO UPDATE
                 SET finished_at = excluded.finished_at, result = excluded.result, error = excluded.error`
            ),
            recordSuccess: sql(
                `INSERT INTO instance_status (instance_id, last_success_at) VALUES (?, ?)
                 ON CONFLICT (instance_id) DO UPDATE
                 SET consecutive_failures = 0, last_success_at = excluded.last_success_at, failed_reason = NULL`
            ),
            recordFailure: sql(
                `INSERT INTO instance_status (instance_id, consecutive_failures, failed_reason) VALUES (?, 1, ?)
                 ON CONFLICT (instance_id) DO UPDATE
                 SET consecutive_failures = consecutive_failures + 1, failed_reason = excluded.failed_reason`
            ),
            setNextRun: sql(
                `INSERT INTO instance_status (instance_id, next_run_at) VALUES (?, ?)
                 ON CONFLICT (instance_id) DO UPDATE SET next_run_at = excluded.next_run_at`
            ),
            markFailed: sql(
                `INSERT INTO instance_status (instance_id, failed_reason) VALUES (?, ?)
                 ON CONFLICT (instance_id) DO UPDATE SET failed_reason = excluded.failed_reason`
            ),
            clearFailedReason: sql('UPDATE instance_status SET failed_reason = NULL WHERE instance_id = ?'),
            getStatus: sql(
                `SELECT next_run_at, failed_reason, consecutive_failures, last_success_at, total_artifacts
                 FROM instance_status WHERE instance_id = ?`
            ),
            listInstances: sql('SELECT * FROM console_instances ORDER BY created_at, id'),
            getInstance: sql('SELECT * FROM console_instances WHERE id = ?'),
            saveInstance: sql(
                `INSERT INTO console_instances
                 (id, connector, enabled, polling_interval, settings, sealed_secrets, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (id) DO UPDATE SET connector = excluded.connector, enabled = excluded.enabled,
                 polling_interval = excluded.polling_interval, settings = excluded.settings,
                 sealed_secrets = excluded.sealed_secrets, updated_at = excluded.updated_at`
            ),
            deleteInstance: sql('DELETE FROM console_instances WHERE id = ?'),
            recentRuns: sql(
                `SELECT run_id, instance_id, started_at, finished_at, result, artifacts, batches, error
                 FROM runs WHERE instance_id = ? ORDER BY seq DESC LIMIT ?`
            )
        };
    }
}

function toStoredInstance(row: InstanceRow): StoredInstance {
    return {
        id: row.id,
        connector: row.connector,
        enabled: row.enabled === 1,
        pollingInterval: row.polling_interval,
        settings: JSON.parse(row.settings) as Record<string, unknown>,
        ...(row.sealed_secrets === null ? {} : { sealedSecrets: row.sealed_secrets }),
        createdAt: row.created_at,
        updatedAt: row.updated_at
    };
}

function toRunRecord(row: RunRow): RunRecord {
    return {
        runId: row.run_id,
        instanceId: row.instance_id,
        startedAt: row.started_at,
        ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
        ...(row.result === null ? {} : { result: row.result }),
        artifacts: row.artifacts,
        batches: row.batches,
        ...(row.error === null ? {} : { error: JSON.parse(row.error) as RecordedError })
    };
}
