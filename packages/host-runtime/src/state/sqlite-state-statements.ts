import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { StoredInstance } from './instance-store.js';
import type {
    RecordedError,
    RunRecord,
    RunResult,
    RunStreamOutcome,
    StreamResult,
    StreamState
} from './state-store.js';

/** The prepared statements of the SQLite state store, by purpose. */
export type StateStatements = Record<(typeof STATEMENT_NAMES)[number], StatementSync>;

const STATEMENT_NAMES = [
    'getCheckpoints',
    'upsertCheckpoint',
    'recordStreamStatus',
    'resetCheckpoint',
    'resetCheckpoints',
    'dropEmptyStream',
    'getStreams',
    'countBatch',
    'addArtifacts',
    'insertRun',
    'pruneRuns',
    'finishRun',
    'recordSuccess',
    'recordFailure',
    'setNextRun',
    'markFailed',
    'clearFailedReason',
    'getStatus',
    'listInstances',
    'getInstance',
    'saveInstance',
    'deleteInstance',
    'recentRuns'
] as const;

/** Prepares every statement the store runs. */
export function prepareStateStatements(db: DatabaseSync): StateStatements {
    const sql: Record<(typeof STATEMENT_NAMES)[number], string> = {
        getCheckpoints: `SELECT stream, checkpoint FROM stream_state WHERE instance_id = ? AND checkpoint IS NOT NULL`,
        // SET expressions read the row as it was: run_artifacts restarts when another run commits.
        upsertCheckpoint: `
            INSERT INTO stream_state (instance_id, stream, checkpoint, checkpoint_at, run_id, run_artifacts, total_artifacts)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
            ON CONFLICT (instance_id, stream) DO UPDATE
            SET checkpoint = excluded.checkpoint, checkpoint_at = excluded.checkpoint_at, run_id = excluded.run_id,
                run_artifacts = CASE WHEN run_id IS excluded.run_id THEN run_artifacts + excluded.run_artifacts
                                     ELSE excluded.run_artifacts END,
                total_artifacts = total_artifacts + excluded.total_artifacts`,
        recordStreamStatus: `
            INSERT INTO stream_state (instance_id, stream, status, status_at, error, run_id) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (instance_id, stream) DO UPDATE
            SET status = excluded.status, status_at = excluded.status_at, error = excluded.error,
                run_id = excluded.run_id,
                run_artifacts = CASE WHEN run_id IS excluded.run_id THEN run_artifacts ELSE 0 END`,
        resetCheckpoint: `UPDATE stream_state SET checkpoint = NULL, checkpoint_at = NULL WHERE instance_id = ? AND stream = ?`,
        resetCheckpoints: `UPDATE stream_state SET checkpoint = NULL, checkpoint_at = NULL WHERE instance_id = ?`,
        // A stream row left with nothing to tell (e.g. the legacy checkpoint, once forgotten) goes.
        dropEmptyStream: `
            DELETE FROM stream_state
            WHERE instance_id = ? AND stream = ? AND checkpoint IS NULL AND status IS NULL AND total_artifacts = 0`,
        getStreams: `
            SELECT stream, checkpoint_at, status, status_at, error, run_id, run_artifacts, total_artifacts
            FROM stream_state WHERE instance_id = ? ORDER BY stream`,
        // A batch committed for a run nobody started (should not happen) still counts, in a run of its own.
        countBatch: `
            INSERT INTO runs (run_id, instance_id, started_at, artifacts, batches) VALUES (?, ?, ?, ?, 1)
            ON CONFLICT (instance_id, run_id) DO UPDATE
            SET artifacts = artifacts + excluded.artifacts, batches = batches + 1`,
        addArtifacts: `
            INSERT INTO instance_status (instance_id, total_artifacts) VALUES (?, ?)
            ON CONFLICT (instance_id) DO UPDATE SET total_artifacts = total_artifacts + excluded.total_artifacts`,
        insertRun: `
            INSERT INTO runs (run_id, instance_id, started_at) VALUES (?, ?, ?)
            ON CONFLICT (instance_id, run_id) DO UPDATE SET started_at = excluded.started_at`,
        pruneRuns: `
            DELETE FROM runs WHERE instance_id = ? AND seq NOT IN
            (SELECT seq FROM runs WHERE instance_id = ? ORDER BY seq DESC LIMIT ?)`,
        finishRun: `
            INSERT INTO runs (run_id, instance_id, started_at, finished_at, result, error, streams)
            VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6)
            ON CONFLICT (instance_id, run_id) DO UPDATE
            SET finished_at = excluded.finished_at, result = excluded.result, error = excluded.error,
                streams = excluded.streams`,
        recordSuccess: `
            INSERT INTO instance_status (instance_id, last_success_at) VALUES (?, ?)
            ON CONFLICT (instance_id) DO UPDATE
            SET consecutive_failures = 0, last_success_at = excluded.last_success_at, failed_reason = NULL`,
        recordFailure: `
            INSERT INTO instance_status (instance_id, consecutive_failures, failed_reason) VALUES (?, 1, ?)
            ON CONFLICT (instance_id) DO UPDATE
            SET consecutive_failures = consecutive_failures + 1, failed_reason = excluded.failed_reason`,
        setNextRun: `
            INSERT INTO instance_status (instance_id, next_run_at) VALUES (?, ?)
            ON CONFLICT (instance_id) DO UPDATE SET next_run_at = excluded.next_run_at`,
        markFailed: `
            INSERT INTO instance_status (instance_id, failed_reason) VALUES (?, ?)
            ON CONFLICT (instance_id) DO UPDATE SET failed_reason = excluded.failed_reason`,
        clearFailedReason: 'UPDATE instance_status SET failed_reason = NULL WHERE instance_id = ?',
        getStatus: `
            SELECT next_run_at, failed_reason, consecutive_failures, last_success_at, total_artifacts
            FROM instance_status WHERE instance_id = ?`,
        listInstances: 'SELECT * FROM console_instances ORDER BY created_at, id',
        getInstance: 'SELECT * FROM console_instances WHERE id = ?',
        saveInstance: `
            INSERT INTO console_instances
            (id, connector, enabled, polling_interval, settings, sealed_secrets, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET connector = excluded.connector, enabled = excluded.enabled,
            polling_interval = excluded.polling_interval, settings = excluded.settings,
            sealed_secrets = excluded.sealed_secrets, updated_at = excluded.updated_at`,
        deleteInstance: 'DELETE FROM console_instances WHERE id = ?',
        recentRuns: `
            SELECT run_id, instance_id, started_at, finished_at, result, artifacts, batches, error, streams
            FROM runs WHERE instance_id = ? ORDER BY seq DESC LIMIT ?`
    };
    return Object.fromEntries(STATEMENT_NAMES.map(name => [name, db.prepare(sql[name])])) as StateStatements;
}

/** A row of `runs`. */
export interface RunRow {
    run_id: string;
    instance_id: string;
    started_at: string;
    finished_at: string | null;
    result: RunResult | null;
    artifacts: number;
    batches: number;
    error: string | null;
    streams: string | null;
}

/** A row of `console_instances`. */
export interface InstanceRow {
    id: string;
    connector: string;
    enabled: number;
    polling_interval: string;
    settings: string;
    sealed_secrets: string | null;
    created_at: string;
    updated_at: string;
}

/** A row of `instance_status`. */
export interface StatusRow {
    next_run_at: string | null;
    failed_reason: string | null;
    consecutive_failures: number;
    last_success_at: string | null;
    total_artifacts: number;
}

/** A row of `stream_state`, without the checkpoint itself. */
export interface StreamRow {
    stream: string;
    checkpoint_at: string | null;
    status: StreamResult | null;
    status_at: string | null;
    error: string | null;
    run_id: string | null;
    run_artifacts: number;
    total_artifacts: number;
}

export function toRunRecord(row: RunRow): RunRecord {
    return {
        runId: row.run_id,
        instanceId: row.instance_id,
        startedAt: row.started_at,
        ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
        ...(row.result === null ? {} : { result: row.result }),
        artifacts: row.artifacts,
        batches: row.batches,
        ...(row.error === null ? {} : { error: JSON.parse(row.error) as RecordedError }),
        ...(row.streams === null ? {} : { streams: JSON.parse(row.streams) as Record<string, RunStreamOutcome> })
    };
}

export function toStreamState(row: StreamRow): StreamState {
    return {
        stream: row.stream,
        ...(row.checkpoint_at === null ? {} : { checkpointAt: row.checkpoint_at }),
        ...(row.status === null ? {} : { status: row.status }),
        ...(row.status_at === null ? {} : { statusAt: row.status_at }),
        ...(row.error === null ? {} : { error: JSON.parse(row.error) as RecordedError }),
        ...(row.run_id === null ? {} : { runId: row.run_id }),
        runArtifacts: row.run_artifacts,
        totalArtifacts: row.total_artifacts
    };
}

export function toStoredInstance(row: InstanceRow): StoredInstance {
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
