import type { HttpHeaders } from './http-client.js';

/** Statuses worth another attempt: the server or a gateway was briefly unable, or asked us to slow down. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Exponential backoff with full jitter: a random delay in `[0, min(maxMs, baseMs * 2^(attempt-1)))`, so
 * many clients failing together do not come back together.
 * @param attempt 1 for the first retry.
 * @param random a source in `[0, 1)`; tests pass a fixed one.
 */
export function backoffDelay(
    attempt: number,
    baseMs: number,
    maxMs: number,
    random: () => number = Math.random
): number {
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
    return Math.floor(Math.min(Math.max(random(), 0), 1) * ceiling);
}

/**
 * The delay a `Retry-After` header asks for, in ms, from `now`: either delta-seconds or an HTTP date.
 * Undefined when the header is absent or unreadable; never negative.
 */
export function parseRetryAfter(headers: HttpHeaders, now: number): number | undefined {
    const raw = headers['retry-after'];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (value === undefined || value === '') {
        return undefined;
    }
    if (/^\d+(\.\d+)?$/.test(value)) {
        return Math.round(Number(value) * 1000);
    }
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before retry number `attempt` after a retryable status: the server's `Retry-After` when
 * it gives one (capped at `maxMs`), else the backoff delay.
 */
export function retryDelay(
    attempt: number,
    headers: HttpHeaders | undefined,
    options: { baseMs: number; maxMs: number; now: number; random?: () => number }
): number {
    const asked = headers === undefined ? undefined : parseRetryAfter(headers, options.now);
    if (asked !== undefined) {
        return Math.min(asked, options.maxMs);
    }
    return backoffDelay(attempt, options.baseMs, options.maxMs, options.random);
}
