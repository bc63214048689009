import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@signal-connectors/connector-sdk';
import { formatUrl, parseListenAddress } from '../admin/listen-address.js';
import type { InstanceView } from '../admin/instance-view.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { dataDirModeFor } from '../sink/create-sink.js';
import { STATE_DATABASE_FILE, SqliteStateStore } from '../state/sqlite-state-store.js';
import type { InstanceStatus, RecordedError, RunRecord, StateStore, StreamState } from '../state/state-store.js';
import { StateStoreError } from '../state/state-store-error.js';
import { readAdminToken } from '../service/admin-token.js';
import { CliError } from './cli-error.js';

/** One instance as `status` shows it. */
export interface InstanceStatusRow {
    id: string;
    connector: string;
    enabled: boolean;
    /** Known only from a running service. */
    running?: boolean;
    lastRun?: RunRecord;
    lastSuccessAt?: string;
    /** The latest error among the recent runs, with when it happened. */
    lastError?: RecordedError & { at?: string };
    /** Set while the instance is parked after an error retrying cannot fix. */
    failedReason?: RecordedError;
    nextRunAt?: string;
    consecutiveFailures: number;
    totalArtifacts: number;
    /** Each stream's last status, error, checkpoint time and artifacts. */
    streams: StreamState[];
}

/** The rows, and where they were read. */
export interface StatusSnapshot {
    /** `state`: the database; `service`: the admin API of the service that holds it; `none`: nothing ran yet. */
    source: 'state' | 'service' | 'none';
    /** The database file, or the admin API's URL. */
    from: string;
    rows: InstanceStatusRow[];
}

/** How many runs are searched for the last error. */
const ERROR_SEARCH_RUNS = 20;

/**
 * Reads the status of every configured instance. From the state database when it is free; while a service holds
 * it (the database is locked for the service's lifetime), from that service's admin API, which also knows what
 * runs right now. Never creates the database: before the first poll every instance simply has no runs.
 */
export async function readInstanceStatus(config: RuntimeConfig, logger: Logger): Promise<StatusSnapshot> {
    const path = join(config.dataDir, STATE_DATABASE_FILE);
    if (!existsSync(path))
        return { source: 'none', from: path, rows: config.instances.map(i => row(i, emptyStatus(i.id))) };
    let state: SqliteStateStore;
    try {
        state = new SqliteStateStore({
            dataDir: config.dataDir,
            logger,
            dataDirMode: dataDirModeFor(config.sink, config.dataDir)
        });
    } catch (error) {
        if (error instanceof StateStoreError && error.reason === 'locked' && config.admin.enabled) {
            return fromService(config, error);
        }
        if (error instanceof StateStoreError) throw new CliError(error.message, { cause: error });
        throw error;
    }
    try {
        const rows = config.instances.map(instance => {
            const status = state.getStatus(instance.id);
            return { ...row(instance, status), ...lastError(state, instance.id) };
        });
        return { source: 'state', from: path, rows };
    } finally {
        state.close();
    }
}

/** The status as the running service's admin API tells it. */
async function fromService(config: RuntimeConfig, locked: StateStoreError): Promise<StatusSnapshot> {
    const { host, port } = parseListenAddress(config.admin.listen);
    if (port === 0) {
        throw new CliError(locked.message, {
            details: [
                `its admin API listens on a port chosen at start-up (admin.listen ${config.admin.listen}), so its ` +
                    'status cannot be asked for; give admin.listen a fixed port'
            ]
        });
    }
    // A service listening on every interface is reachable on loopback.
    const url = formatUrl(host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host, port);
    let views: InstanceView[];
    try {
        const token = readAdminToken(config);
        const response = await fetch(`${url}/api/instances`, {
            signal: AbortSignal.timeout(5000),
            headers: token === undefined ? {} : { Authorization: `Bearer ${token}` }
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        views = (await response.json()) as InstanceView[];
    } catch (error) {
        throw new CliError(locked.message, {
            details: [`the admin API of that process (${url}) did not answer either: ${(error as Error).message}`],
            cause: error
        });
    }
    const byId = new Map(views.map(view => [view.id, view]));
    const rows = config.instances.map(instance => {
        const view = byId.get(instance.id);
        const status = view === undefined || 'error' in view.status ? emptyStatus(instance.id) : view.status;
        const error = status.lastRun?.error ?? status.failedReason;
        return {
            ...row(instance, { ...status, ...(view?.nextRunAt === undefined ? {} : { nextRunAt: view.nextRunAt }) }),
            ...(view === undefined ? {} : { running: view.running }),
            ...(error === undefined ? {} : { lastError: { ...error, at: status.lastRun?.finishedAt } })
        };
    });
    return { source: 'service', from: url, rows };
}

function row(instance: RuntimeConfig['instances'][number], status: InstanceStatus): InstanceStatusRow {
    return {
        id: instance.id,
        connector: instance.connector,
        enabled: instance.enabled,
        ...(status.lastRun === undefined ? {} : { lastRun: status.lastRun }),
        ...(status.lastSuccessAt === undefined ? {} : { lastSuccessAt: status.lastSuccessAt }),
        ...(status.failedReason === undefined ? {} : { failedReason: status.failedReason }),
        ...(status.nextRunAt === undefined || !instance.enabled ? {} : { nextRunAt: status.nextRunAt }),
        consecutiveFailures: status.consecutiveFailures,
        totalArtifacts: status.totalArtifacts,
        // A service that predates streams answers without them.
        streams: status.streams ?? []
    };
}

function lastError(state: StateStore, instanceId: string): Pick<InstanceStatusRow, 'lastError'> {
    const failed = state.recentRuns(instanceId, ERROR_SEARCH_RUNS).find(run => run.error !== undefined);
    if (failed?.error === undefined) return {};
    return { lastError: { ...failed.error, at: failed.finishedAt ?? failed.startedAt } };
}

function emptyStatus(instanceId: string): InstanceStatus {
    return { instanceId, consecutiveFailures: 0, totalArtifacts: 0, streams: [] };
}
