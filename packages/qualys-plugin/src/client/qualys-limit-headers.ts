import type { HttpHeaders } from '@signal-connectors/connector-sdk';

/** The limit headers Qualys puts on every FO API response (success or error); absent ones are undefined. */
export interface QualysLimitHeaders {
    /** `X-RateLimit-Limit`: calls allowed per window. */
    limit?: number;
    /** `X-RateLimit-Remaining`: calls left in the current window. */
    remaining?: number;
    /** `X-RateLimit-Window-Sec`: window length in seconds. */
    windowSec?: number;
    /** `X-RateLimit-ToWait-Sec`: seconds until the next call is allowed (0 when not blocked). */
    toWaitSec?: number;
    /** `X-Concurrency-Limit-Limit`: concurrent calls allowed for this API. */
    concurrencyLimit?: number;
    /** `X-Concurrency-Limit-Running`: calls running now, this one included. */
    concurrencyRunning?: number;
}

/**
 * Reads the Qualys rate and concurrency headers, case-insensitively and in both spellings Qualys has used
 * (`X-Concurrency-Limit-*` and the older `X-ConcurrencyLimit-*`). Values that are not non-negative numbers
 * are ignored rather than trusted.
 */
export function readLimitHeaders(headers: HttpHeaders): QualysLimitHeaders {
    const lower = new Map<string, string>();
    for (const [name, value] of Object.entries(headers)) {
        const text = Array.isArray(value) ? value[0] : value;
        if (text !== undefined) lower.set(name.toLowerCase(), text);
    }
    const read = (...names: string[]): number | undefined => {
        for (const name of names) {
            const text = lower.get(name)?.trim();
            if (text !== undefined && /^\d+(\.\d+)?$/.test(text)) return Number(text);
        }
        return undefined;
    };
    return {
        limit: read('x-ratelimit-limit'),
        remaining: read('x-ratelimit-remaining'),
        windowSec: read('x-ratelimit-window-sec'),
        toWaitSec: read('x-ratelimit-towait-sec'),
        concurrencyLimit: read('x-concurrency-limit-limit', 'x-concurrencylimit-limit'),
        concurrencyRunning: read('x-concurrency-limit-running', 'x-concurrencylimit-running')
    };
}

/** True when a response carried any Qualys limit header, i.e. it really came from a Qualys API server. */
export function hasLimitHeaders(limits: QualysLimitHeaders): boolean {
    return Object.values(limits).some(value => value !== undefined);
}
