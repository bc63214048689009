import { join, resolve } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import {
    FATAL_ERROR_KINDS,
    LEGACY_CHECKPOINT_KEY,
    type KeyValueStore,
    type Logger
} from '@signal-connectors/connector-sdk';
import { restrictDirectory } from '../files/file-modes.js';
import { holdDatabase, releaseDatabase, removeLegacyLockFile } from './data-dir-lock.js';
import { openCheckedDatabase } from './open-checked-database.js';
import { SqliteKeyValueStore } from './sqlite-key-value-store.js';
import {
    prepareStateStatements,
    toRunRecord,
    toStoredInstance,
    toStreamState,
    type InstanceRow,
    type RunRow,
    type StateStatements,
    type StatusRow,
    type StreamRow
} from './sqlite-state-statements.js';
import { runDurably, runInTransaction } from './sqlite-transaction.js';
import type { InstanceStore, StoredInstance } from './instance-store.js';
import type {
    InstanceStatus,
    RecordedError,
    RunRecord,
    RunResult,
    RunStreamOutcome,
    StateStore,
    StreamResult
} from './state-store.js';
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
    private readonly statements: StateStatements;
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
        this.statements = prepareStateStatements(this.db);
    }

    getCheckpoints(instanceId: string): Record<string, unknown> {
        const rows = this.statements.getCheckpoints.all(instanceId) as unknown as {
            stream: string;
            checkpoint: string;
        }[];
        const checkpoints: Record<string, unknown> = {};
        for (const row of rows) {
            // An `undefined` checkpoint is stored as JSON null; it reads back as "no checkpoint", as it was given.
            const checkpoint: unknown = JSON.parse(row.checkpoint);
            if (checkpoint !== null) checkpoints[row.stream] = checkpoint;
        }
        return checkpoints;
    }

    commitCheckpoint(instanceId: string, runId: string, stream: string, checkpoint: unknown, artifacts: number): void {
        // Serialised first: a checkpoint that cannot be stored must fail before anything is written.
        const json = JSON.stringify(checkpoint ?? null);
        const now = new Date().toISOString();
        runInTransaction(this.db, () => {
            this.statements.upsertCheckpoint.run(instanceId, stream, json, now, runId, artifacts);
            this.statements.countBatch.run(runId, instanceId, now, artifacts);
            this.statements.addArtifacts.run(instanceId, artifacts);
        });
    }

    recordStreamStatus(
        instanceId: string,
        runId: string,
        stream: string,
        at: string,
        status: StreamResult,
        error?: RecordedError
    ): void {
        const errorJson = status === 'failed' && error !== undefined ? JSON.stringify(error) : null;
        this.statements.recordStreamStatus.run(instanceId, stream, status, at, errorJson, runId);
    }

    resetCheckpoint(instanceId: string, stream?: string): void {
        runDurably(this.db, () => {
            if (stream === undefined) this.statements.resetCheckpoints.run(instanceId);
            else this.statements.resetCheckpoint.run(instanceId, stream);
            this.statements.dropEmptyStream.run(instanceId, stream ?? LEGACY_CHECKPOINT_KEY);
        });
    }

    startRun(instanceId: string, runId: string, startedAt: string): void {
        runInTransaction(this.db, () => {
            this.statements.insertRun.run(runId, instanceId, startedAt);
            this.statements.pruneRuns.run(instanceId, instanceId, this.maxRuns);
        });
    }

    finishRun(
        instanceId: string,
        runId: string,
        finishedAt: string,
        result: RunResult,
        error?: RecordedError,
        streams?: Record<string, RunStreamOutcome>
    ): void {
        const errorJson = error === undefined ? null : JSON.stringify(error);
        const streamsJson = streams === undefined ? null : JSON.stringify(streams);
        runInTransaction(this.db, () => {
            this.statements.finishRun.run(runId, instanceId, finishedAt, result, errorJson, streamsJson);
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
            totalArtifacts: row?.total_artifacts ?? 0,
            streams: (this.statements.getStreams.all(instanceId) as unknown as StreamRow[])
                .filter(stream => stream.stream !== LEGACY_CHECKPOINT_KEY)
                .map(toStreamState)
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
        runDurably(this.db, () =>
            this.statements.saveInstance.run(
                instance.id,
                instance.connector,
                instance.enabled ? 1 : 0,
                instance.pollingInterval,
                JSON.stringify(instance.settings),
                instance.sealedSecrets ?? null,
                instance.createdAt,
                instance.updatedAt
            )
        );
    }

    deleteInstance(id: string): boolean {
        return runDurably(this.db, () => {
            const deleted = Number(this.statements.deleteInstance.run(id).changes) > 0;
            for (const table of ['stream_state', 'runs', 'instance_status'])
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
}
