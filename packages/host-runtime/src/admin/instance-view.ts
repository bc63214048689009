import { formatDuration } from '@signal-connectors/connector-sdk';
import type { HostInstance } from '../composition/instance-composer.js';
import type { InstanceSchedule } from '../scheduler/schedule-entry.js';
import type { InstanceStatus, StateStore } from '../state/state-store.js';

/** One instance as the admin API shows it: identity, schedule and recorded status, never its settings. */
export interface InstanceView {
    id: string;
    connector: string;
    enabled: boolean;
    pollingInterval: string;
    /** A poll runs now. */
    running: boolean;
    /** A poll waits for a free slot. */
    queued: boolean;
    /** ISO time of the next scheduled poll, if any. */
    nextRunAt?: string;
    /** Set when the instance failed with a kind retrying cannot fix; it needs a config or account change. */
    failed: boolean;
    status: InstanceStatus | { error: string };
}

/**
 * Describes an instance from its composition, the scheduler's view and the state store. Only ids, schedule and
 * recorded outcomes appear (error messages were redacted when recorded): settings, which may hold secrets, never.
 */
export function describeInstance(
    instance: HostInstance,
    schedule: InstanceSchedule | undefined,
    state: Pick<StateStore, 'getStatus'>
): InstanceView {
    let status: InstanceStatus | { error: string };
    try {
        status = state.getStatus(instance.id);
    } catch (error) {
        status = { error: `status unavailable: ${(error as Error).message}` };
    }
    const recordedNext = 'nextRunAt' in status ? status.nextRunAt : undefined;
    const nextRunAt = schedule?.nextRunAt === undefined ? recordedNext : new Date(schedule.nextRunAt).toISOString();
    const failedReason = schedule?.failedReason ?? ('failedReason' in status ? status.failedReason : undefined);
    return {
        id: instance.id,
        connector: instance.connectorId,
        enabled: instance.enabled,
        pollingInterval: formatDuration(instance.pollingIntervalMs),
        running: schedule?.running ?? false,
        queued: schedule?.queued ?? false,
        ...(nextRunAt === undefined ? {} : { nextRunAt }),
        failed: failedReason !== undefined,
        status
    };
}
