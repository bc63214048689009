import type { ConfigProblem } from '@signal-connectors/connector-sdk';
import type { InstanceSchedule } from '../scheduler/schedule-entry.js';
import type { LiveInstance, InstanceOrigin } from '../service/live-instances.js';
import type { LiveProgress } from '../service/progress-tracker.js';
import type { InstanceStatus, RecordedError, RunRecord, StateStore } from '../state/state-store.js';

/** The tile colour: from the last *finished* poll, never from one merely starting. */
export type InstanceHealth = 'healthy' | 'failing' | 'disabled' | 'pending' | 'running';

/** One instance as the admin API and the console show it: never a secret, only whether one is configured. */
export interface InstanceView {
    id: string;
    connector: string;
    /** `file`: from the config file, read-only here; `console`: made in the console. */
    origin: InstanceOrigin;
    enabled: boolean;
    pollingInterval: string;
    health: InstanceHealth;
    /** A poll holds a slot and runs. */
    running: boolean;
    /** A poll waits for a free slot. */
    queued: boolean;
    /** What the running poll has committed so far. */
    progress?: LiveProgress;
    /** ISO time of the next scheduled poll, if any. */
    nextRunAt?: string;
    /** The last poll that ended in success or failure (a cancelled one says nothing about health). */
    lastFinishedRun?: RunRecord;
    /** Why the last finished poll failed, with what to do. */
    lastError?: RecordedError;
    /**
     * Set when the instance failed with a kind retrying cannot fix (it needs a config or account change), or
     * when its `protocol` failures outlasted their quick retries.
     */
    failed: boolean;
    /** Why the instance cannot run at all. */
    problems: ConfigProblem[];
    /** The settings without their secret fields. */
    settings: Record<string, unknown>;
    /** Each write-only (secret) field that holds a value, never the value: `[{ field: 'password', configured: true }]`. */
    writeOnly: { field: string; configured: true }[];
    status: InstanceStatus | { error: string };
}

/** How many runs are searched for the last finished one. */
const FINISHED_SEARCH = 50;

/** Describes an instance from the registry, the scheduler, the progress tracker and the state store. */
export function describeInstance(
    live: LiveInstance,
    schedule: InstanceSchedule | undefined,
    state: Pick<StateStore, 'getStatus' | 'recentRuns'>,
    progress: LiveProgress | undefined
): InstanceView {
    let status: InstanceStatus | { error: string };
    let lastFinishedRun: RunRecord | undefined;
    try {
        status = state.getStatus(live.id);
        lastFinishedRun = state
            .recentRuns(live.id, FINISHED_SEARCH)
            .find(run => run.result === 'success' || run.result === 'failed');
    } catch (error) {
        status = { error: `status unavailable: ${(error as Error).message}` };
    }
    const recordedNext = 'nextRunAt' in status ? status.nextRunAt : undefined;
    const nextRunAt =
        !live.enabled || live.composed === undefined
            ? undefined
            : schedule?.nextRunAt === undefined
              ? recordedNext
              : new Date(schedule.nextRunAt).toISOString();
    const failedReason = schedule?.failedReason ?? ('failedReason' in status ? status.failedReason : undefined);
    const running = schedule?.running ?? false;
    const queued = schedule?.queued ?? false;
    const health: InstanceHealth =
        running || queued
            ? 'running'
            : !live.enabled
              ? 'disabled'
              : live.problems.length > 0 || lastFinishedRun?.result === 'failed'
                ? 'failing'
                : lastFinishedRun === undefined
                  ? 'pending'
                  : 'healthy';
    const lastError =
        live.problems.length > 0
            ? { kind: 'config', message: live.problems.map(p => p.message).join('; ') }
            : lastFinishedRun?.result === 'failed'
              ? lastFinishedRun.error
              : undefined;
    return {
        id: live.id,
        connector: live.connector,
        origin: live.origin,
        enabled: live.enabled,
        pollingInterval: live.pollingInterval,
        health,
        running,
        queued,
        ...(progress === undefined || !running ? {} : { progress }),
        ...(nextRunAt === undefined ? {} : { nextRunAt }),
        ...(lastFinishedRun === undefined ? {} : { lastFinishedRun }),
        ...(lastError === undefined ? {} : { lastError }),
        failed: failedReason !== undefined,
        problems: live.problems,
        settings: live.plainSettings,
        writeOnly: live.configuredSecrets.map(field => ({ field, configured: true as const })),
        status
    };
}
