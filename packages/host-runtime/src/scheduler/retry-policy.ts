import { FATAL_ERROR_KINDS, formatDuration, type ConnectorErrorKind } from '@signal-connectors/connector-sdk';
import type { PollOutcome } from './poll-events.js';

/** The longest random initial delay when an instance sets none: spreads start-up load, never stalls it. */
export const MAX_DEFAULT_INITIAL_DELAY_MS = 60_000;

/**
 * Upper bound of the random delay before an instance's first poll: its `initialDelay`, or 10% of its interval
 * capped at one minute.
 */
export function initialDelayBound(intervalMs: number, configuredMs?: number): number {
    return configuredMs ?? Math.min(intervalMs / 10, MAX_DEFAULT_INITIAL_DELAY_MS);
}

/**
 * The delay before retrying after the `failures`-th consecutive failure: a fast backoff of interval/8, doubling
 * each time (interval/8, /4, /2, ...) and capped at the interval, since the normal schedule retries anyway.
 */
export function failureBackoffDelay(intervalMs: number, failures: number): number {
    const exponent = Math.max(0, failures - 1);
    return Math.min(intervalMs, (intervalMs / 8) * 2 ** Math.min(exponent, 30));
}

/** True for error kinds that retrying cannot fix: auth, permission, config, not_found. */
export function isFatalKind(kind: string | undefined): boolean {
    return kind !== undefined && (FATAL_ERROR_KINDS as readonly string[]).includes(kind as ConnectorErrorKind);
}

/**
 * How many times in a row a poll failing with a `protocol` error (a bad or truncated response) is retried with
 * backoff before the instance waits for its normal schedule: such answers rarely mend within minutes, and
 * retrying them quickly forever only adds load on the remote system.
 */
export const DEFAULT_PROTOCOL_RETRIES = 5;

/** Consecutive `protocol` failures of an instance, and how many it may retry with backoff. */
export interface ProtocolRetries {
    /** Polls in a row that failed with a `protocol` error, the last one included. */
    failures: number;
    /** Backoff retries allowed before waiting for the normal schedule ({@link DEFAULT_PROTOCOL_RETRIES}). */
    limit: number;
}

/** True once an instance's `protocol` failures in a row exceed the retries it may make with backoff. */
export function protocolRetriesExhausted(protocol: ProtocolRetries): boolean {
    return protocol.failures > protocol.limit;
}

/** When the next poll is due after `outcome`, and why (for the log line). */
export interface NextRun {
    at: number;
    reason: 'schedule' | 'backoff' | 'retry-after' | 'failed' | 'retries-exhausted';
}

/**
 * Plans the next poll after one ended:
 * - success, and fatal failures (which wait for someone to fix the config): the next tick of the normal
 *   schedule, counted from the start of the run (ticks missed while a long poll ran are skipped);
 * - `protocol` failures beyond the bounded retries of `protocol`: the next tick of the normal schedule too;
 * - `rate_limited` with `retryAfterMs`: exactly that long after the failure, as the remote system asked;
 * - other failures: {@link failureBackoffDelay} after the failure.
 */
export function planNextRun(
    outcome: PollOutcome,
    intervalMs: number,
    failures: number,
    now: number,
    protocol: ProtocolRetries = { failures: 0, limit: DEFAULT_PROTOCOL_RETRIES }
): NextRun {
    const error = outcome.error;
    if (outcome.result !== 'failed' || isFatalKind(error?.kind)) {
        return {
            at: nextTick(outcome.startedAt, intervalMs, now),
            reason: outcome.result === 'failed' ? 'failed' : 'schedule'
        };
    }
    if (error?.kind === 'protocol' && protocolRetriesExhausted(protocol)) {
        return { at: nextTick(outcome.startedAt, intervalMs, now), reason: 'retries-exhausted' };
    }
    if (error?.kind === 'rate_limited' && error.retryAfterMs !== undefined && error.retryAfterMs > 0) {
        return { at: outcome.finishedAt + error.retryAfterMs, reason: 'retry-after' };
    }
    return { at: outcome.finishedAt + failureBackoffDelay(intervalMs, failures), reason: 'backoff' };
}

/** The first `start + k * interval` (k >= 1) that is later than `now`. */
export function nextTick(start: number, intervalMs: number, now: number): number {
    const elapsed = Math.max(0, now - start);
    return start + (Math.floor(elapsed / intervalMs) + 1) * intervalMs;
}

/** The log line announcing the next poll: a warning after a failure, so that it stands out. */
export function describeNextRun(
    instanceId: string,
    outcome: PollOutcome,
    next: NextRun,
    failures: number,
    now: number
): { level: 'warn' | 'debug'; message: string } {
    const when = `${new Date(next.at).toISOString()} (in ${formatDuration(Math.max(0, next.at - now))})`;
    const error = outcome.error;
    switch (next.reason) {
        case 'failed':
            return {
                level: 'warn',
                message:
                    `Instance ${instanceId} marked failed (${error?.kind}): ${error?.message}; it needs a fix and is ` +
                    `tried again only on its normal schedule, at ${when}`
            };
        case 'retries-exhausted':
            return {
                level: 'warn',
                message:
                    `Poll of ${instanceId} keeps getting bad or truncated responses (${failures} failed polls in a ` +
                    `row; the last: ${error?.message}); no more quick retries: it is tried again on its normal ` +
                    `schedule, at ${when}`
            };
        case 'retry-after':
            return { level: 'warn', message: `Instance ${instanceId} was rate limited; retrying as asked at ${when}` };
        case 'backoff':
            return {
                level: 'warn',
                message: `Poll of ${instanceId} failed (${failures} in a row); retrying at ${when}`
            };
        default:
            return { level: 'debug', message: `Next poll of ${instanceId} at ${when}` };
    }
}
