/** The API families the sandbox serves; each has its own rate and concurrency budget, as on Qualys. */
export type SandboxEndpoint = 'hld' | 'kb' | 'scans' | 'hosts' | 'about';

/** Every endpoint, in a stable order. */
export const SANDBOX_ENDPOINTS: readonly SandboxEndpoint[] = ['hld', 'kb', 'scans', 'hosts', 'about'];

/** Per-endpoint limits: `limit` calls per sliding `windowSec`, and `concurrency` calls in flight. */
export interface RateLimitOptions {
    limit: number;
    windowSec: number;
    concurrency: number;
}

/** The Qualys Standard subscription defaults: 300 calls per hour, 2 concurrent. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { limit: 300, windowSec: 3600, concurrency: 2 };

/** Outcome of `RateLimiter.acquire`; `headers` are the X-RateLimit-* / X-Concurrency-* headers to send. */
export type LimitDecision =
    | { kind: 'allowed'; headers: Record<string, string>; release: () => void }
    | { kind: 'rate'; headers: Record<string, string>; toWaitSec: number }
    | { kind: 'concurrency'; headers: Record<string, string>; running: number; limit: number };

/** One endpoint's limits and how they are used, as {@link RateLimiter.snapshot} reports them. */
export interface LimitUsage extends RateLimitOptions {
    used: number;
    running: number;
    peakRunning: number;
}

interface Bucket {
    options: RateLimitOptions;
    /** Start times (ms) of accepted calls still inside the window, oldest first. */
    calls: number[];
    running: number;
    /** Most calls running at once since the last reset. */
    peakRunning: number;
}

/**
 * Sliding-window rate limiter plus concurrency counter, one budget per endpoint. A call counts as running from
 * acceptance until `release` (the server releases when the response has finished streaming or the client went
 * away). Blocked calls consume nothing. When both limits are exceeded the concurrency block wins, as documented.
 */
export class RateLimiter {
    private readonly buckets = new Map<SandboxEndpoint, Bucket>();

    /**
     * @param defaults limits for every endpoint
     * @param overrides per-endpoint adjustments (e.g. a KB concurrency of 1)
     * @param clock milliseconds source, replaceable in tests
     */
    constructor(
        defaults: Partial<RateLimitOptions> = {},
        overrides: Partial<Record<SandboxEndpoint, Partial<RateLimitOptions>>> = {},
        private readonly clock: () => number = Date.now
    ) {
        for (const endpoint of SANDBOX_ENDPOINTS) {
            const options = { ...DEFAULT_RATE_LIMIT, ...defaults, ...overrides[endpoint] };
            this.buckets.set(endpoint, { options, calls: [], running: 0, peakRunning: 0 });
        }
    }

    /** Tries to start a call. */
    acquire(endpoint: SandboxEndpoint): LimitDecision {
        const bucket = this.bucket(endpoint);
        const { limit, windowSec, concurrency } = bucket.options;
        const now = this.prune(bucket);
        if (bucket.running >= concurrency) {
            // A concurrency-blocked 409 carries no ToWait/Remaining headers (clients use that to tell the two apart).
            const headers = {
                'X-RateLimit-Limit': String(limit),
                'X-RateLimit-Window-Sec': String(windowSec),
                'X-Concurrency-Limit-Limit': String(concurrency),
                'X-Concurrency-Limit-Running': String(bucket.running)
            };
            return { kind: 'concurrency', headers, running: bucket.running, limit: concurrency };
        }
        if (bucket.calls.length >= limit) {
            const oldestBlocking = bucket.calls[bucket.calls.length - limit];
            const toWaitSec = Math.max(1, Math.ceil((oldestBlocking + windowSec * 1000 - now) / 1000));
            return { kind: 'rate', headers: this.headers(bucket, 0, toWaitSec), toWaitSec };
        }
        bucket.calls.push(now);
        bucket.running++;
        bucket.peakRunning = Math.max(bucket.peakRunning, bucket.running);
        let released = false;
        const release = (): void => {
            if (released) return;
            released = true;
            bucket.running--;
        };
        return { kind: 'allowed', headers: this.headers(bucket, limit - bucket.calls.length, 0), release };
    }

    /** Headers describing the current budget without consuming it (for 401/400 answers before admission). */
    peekHeaders(endpoint: SandboxEndpoint): Record<string, string> {
        const bucket = this.bucket(endpoint);
        this.prune(bucket);
        return this.headers(bucket, Math.max(0, bucket.options.limit - bucket.calls.length), 0);
    }

    /**
     * Forgets past calls and the peak (all endpoints, or one); running calls stay counted, and the peak starts
     * again from them.
     */
    reset(endpoint?: SandboxEndpoint): void {
        for (const [name, bucket] of this.buckets) {
            if (endpoint && name !== endpoint) continue;
            bucket.calls = [];
            bucket.peakRunning = bucket.running;
        }
    }

    /**
     * Current usage per endpoint: calls in the window (`used`), calls running now, and the most that ran at once
     * since the last reset (`peakRunning`: how much of the concurrency limit clients really used).
     */
    snapshot(): Record<SandboxEndpoint, LimitUsage> {
        const result = {} as Record<SandboxEndpoint, LimitUsage>;
        for (const [name, bucket] of this.buckets) {
            this.prune(bucket);
            result[name] = {
                ...bucket.options,
                used: bucket.calls.length,
                running: bucket.running,
                peakRunning: bucket.peakRunning
            };
        }
        return result;
    }

    private bucket(endpoint: SandboxEndpoint): Bucket {
        const bucket = this.buckets.get(endpoint);
        if (!bucket) throw new RangeError(`Unknown endpoint ${endpoint}`);
        return bucket;
    }

    private prune(bucket: Bucket): number {
        const now = this.clock();
        const horizon = now - bucket.options.windowSec * 1000;
        let expired = 0;
        while (expired < bucket.calls.length && bucket.calls[expired] <= horizon) expired++;
        if (expired > 0) bucket.calls.splice(0, expired);
        return now;
    }

    private headers(bucket: Bucket, remaining: number, toWaitSec: number): Record<string, string> {
        return {
            'X-RateLimit-Limit': String(bucket.options.limit),
            'X-RateLimit-Window-Sec': String(bucket.options.windowSec),
            'X-RateLimit-Remaining': String(remaining),
            'X-RateLimit-ToWait-Sec': String(toWaitSec),
            'X-Concurrency-Limit-Limit': String(bucket.options.concurrency),
            'X-Concurrency-Limit-Running': String(bucket.running)
        };
    }
}
