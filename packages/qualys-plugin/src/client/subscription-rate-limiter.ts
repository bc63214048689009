import {
    type Clock,
    ConnectorError,
    formatDuration,
    type HttpHeaders,
    type HttpResponseInfo,
    type Logger,
    type RateLimitPolicy,
    type RateLimitVerdict
} from '@signal-connectors/connector-sdk';
import { type SimpleReturn, parseSimpleReturn, simpleReturnToError } from '../xml/simple-return.js';
import { EndpointLimitState, type EndpointLimitSnapshot } from './endpoint-limit-state.js';
import { hasLimitHeaders, readLimitHeaders } from './qualys-limit-headers.js';

/** Tuning of a {@link SubscriptionRateLimiter}; the defaults suit every Qualys service level. */
export interface SubscriptionRateLimiterOptions {
    /**
     * The floor: calls per window that polls and connection tests never spend, left for people and other tools
     * using the same account (default 2). See {@link RateWindow} for how the wait for it is worked out.
     */
    floor?: number;
    /** Concurrent calls per API before Qualys has told us its limit (default 2, the Standard level). */
    defaultConcurrency?: number;
    /** Our own ceiling on concurrent calls per API, below what Qualys allows (default: none). */
    maxConcurrency?: number;
    /** Wait after a rate block that names no wait at all (default 60 s). */
    defaultBlockMs?: number;
    /** First backoff after a concurrency block (1960), doubled per repeat (default 5 s). */
    concurrencyBackoffMs?: number;
    /** Ceiling of that backoff (default 2 min). */
    maxConcurrencyBackoffMs?: number;
    /**
     * Longest wait a call sits out itself (default 30 min). A longer block (Qualys' daily limits can block
     * for hours), or a longer wait for the floor, fails the call as `rate_limited` with `retryAfterMs`, so the
     * host reschedules the poll instead of a run hanging for hours; the API stays blocked for every caller meanwhile.
     */
    maxRetryWaitMs?: number;
    /** Source of jitter in `[0, 1)`; tests pass a fixed one. */
    random?: () => number;
}

/**
 * The rate and concurrency budget of one Qualys subscription (API server + user name), per API: Qualys
 * counts every API separately, and every process or instance calling with the same account shares it, so
 * one limiter serves all of them (see `SubscriptionLimiterRegistry`).
 *
 * It learns the limits from the `X-RateLimit-*` and `X-Concurrency-Limit-*` headers of every response, and
 * before each call waits while the API is blocked (a 409 said until when), while the calls left in the
 * window are down to the floor (until enough counted calls have left Qualys' rolling window, see
 * {@link RateWindow}; the log says until when), and while our own running calls fill the concurrency limit.
 * A rate block (409 code 1965, or 429) blocks every caller until the wait Qualys names, so a block seen by one
 * instance stops the others instead of each earning its own 409.
 *
 * The rate side (`floorWaitMs`, the floor in `acquire`) and the concurrency side (`acquire`'s slots, `snapshot`'s
 * `running` and `concurrencyLimit`) are independent: several calls of one poll, e.g. over parallel host id
 * ranges, each `acquire` a slot and share the one window.
 */
export class SubscriptionRateLimiter implements RateLimitPolicy {
    private readonly endpoints = new Map<string, EndpointLimitState>();
    private readonly options: Required<Omit<SubscriptionRateLimiterOptions, 'maxConcurrency'>> &
        Pick<SubscriptionRateLimiterOptions, 'maxConcurrency'>;

    constructor(
        private readonly clock: Clock,
        private readonly logger: Logger,
        options: SubscriptionRateLimiterOptions = {}
    ) {
        this.options = {
            floor: 2,
            defaultConcurrency: 2,
            defaultBlockMs: 60_000,
            concurrencyBackoffMs: 5_000,
            maxConcurrencyBackoffMs: 120_000,
            maxRetryWaitMs: 30 * 60_000,
            random: Math.random,
            ...options
        };
    }

    /** Waits until a call to `endpoint` may start; the returned function ends the call (only its first use counts). */
    async acquire(endpoint: string, signal?: AbortSignal): Promise<() => void> {
        const state = this.state(endpoint);
        for (;;) {
            signal?.throwIfAborted();
            const now = this.clock.now();
            const blockedMs = state.blockedUntil - now;
            const floorMs = this.floorWaitMs(endpoint);
            const waitMs = Math.max(blockedMs, floorMs);
            if (waitMs > 0) {
                const forFloor = floorMs > blockedMs;
                // A wait past the ceiling goes back to the host's scheduler rather than holding a poll for hours.
                if (waitMs > this.options.maxRetryWaitMs) throw this.longWaitError(endpoint, waitMs, forFloor);
                if (forFloor) this.logFloorWait(endpoint, state, now + floorMs);
                await this.clock.sleep(waitMs, signal);
                continue;
            }
            if (state.running >= state.concurrencyLimit(this.options.defaultConcurrency, this.options.maxConcurrency)) {
                await state.waitForRelease(signal);
                continue;
            }
            return state.start(now);
        }
    }

    /**
     * How long a call to `endpoint` must wait so as not to spend the floor, in ms (0 when it may start). A
     * connection test uses it to report the wait instead of spending the floor or sitting it out.
     */
    floorWaitMs(endpoint: string): number {
        const now = this.clock.now();
        const clearsAt = this.state(endpoint).rate.floorClearsAt(now, this.options.floor);
        return clearsAt === undefined ? 0 : Math.max(1, clearsAt - now);
    }

    /** The floor this limiter keeps, in calls per window. */
    get floor(): number {
        return this.options.floor;
    }

    /** Learns the limits from a response; decides whether a throttled call is retried, and when. */
    review(response: HttpResponseInfo): RateLimitVerdict {
        const state = this.state(response.endpoint);
        const now = this.clock.now();
        const limits = readLimitHeaders(response.headers);
        state.observe(limits, now);
        if (response.status >= 200 && response.status < 300) {
            state.concurrencyStrikes = 0;
            return { action: 'proceed' };
        }
        if (response.status !== 409 && response.status !== 429) return { action: 'proceed' };

        const simpleReturn = response.body === undefined ? undefined : parseSimpleReturn(response.body);
        const code = simpleReturn?.code === undefined ? undefined : String(simpleReturn.code);
        if (response.status === 429 || code === '1965' || (code === undefined && (limits.toWaitSec ?? 0) > 0)) {
            const waitMs = this.rateBlockWaitMs(response.headers, simpleReturn, limits.toWaitSec, now);
            const verdict = this.block(
                state,
                response.endpoint,
                now + waitMs,
                `rate limit reached (${code ?? response.status})`
            );
            if (verdict.action !== 'retry' || verdict.afterMs <= this.options.maxRetryWaitMs) return verdict;
            return { action: 'fail', error: this.longBlockError(response, simpleReturn, verdict.afterMs) };
        }
        if (code === '1960' || (code === undefined && hasLimitHeaders(limits))) {
            // JupiterOne's inference, kept here: a 409 with limit headers but no rate block is a concurrency block.
            state.concurrencyStrikes += 1;
            const ceiling = Math.min(
                this.options.concurrencyBackoffMs * 2 ** (state.concurrencyStrikes - 1),
                this.options.maxConcurrencyBackoffMs
            );
            // Half fixed, half random: calls blocked together come back apart, yet never hammer at once.
            const delayMs = Math.round(ceiling / 2 + (ceiling / 2) * this.options.random());
            return this.block(state, response.endpoint, now + delayMs, 'concurrency limit reached (1960)');
        }
        if (simpleReturn !== undefined) {
            // 2003 (registration), 2000-2012 (account) and the like: waiting cannot fix them.
            return { action: 'fail', error: simpleReturnToError(simpleReturn, response.status) };
        }
        // A bare 409 without anything Qualys-like: not ours to judge; the caller maps the status.
        return { action: 'proceed' };
    }

    /** What this limiter knows of `endpoint` now, for connection tests and run summaries. */
    snapshot(endpoint: string): EndpointLimitSnapshot {
        return this.state(endpoint).snapshot(this.options.defaultConcurrency, this.options.maxConcurrency);
    }

    /** How long calls to `endpoint` are still blocked by Qualys, in ms (0 when they are not). */
    blockedForMs(endpoint: string): number {
        return Math.max(0, this.state(endpoint).blockedUntil - this.clock.now());
    }

    private block(state: EndpointLimitState, endpoint: string, until: number, reason: string): RateLimitVerdict {
        state.blockedUntil = Math.max(state.blockedUntil, until);
        const afterMs = Math.max(0, state.blockedUntil - this.clock.now());
        const waitSeconds = Math.ceil(afterMs / 1000);
        this.logger.warn(
            `Qualys throttled the ${endpoint} API: ${reason}; waiting ${waitSeconds} s before calling it again`,
            {
                endpoint,
                waitSeconds,
                ...state.snapshot(this.options.defaultConcurrency, this.options.maxConcurrency).rateLimit
            }
        );
        return { action: 'retry', afterMs, reason };
    }

    /** The wait a rate block names: the ToWait header, else SECONDS_TO_WAIT, else Retry-After, else the default. */
    private rateBlockWaitMs(
        headers: HttpHeaders,
        simpleReturn: SimpleReturn | undefined,
        toWaitSec: number | undefined,
        now: number
    ): number {
        if (toWaitSec !== undefined && toWaitSec > 0) return toWaitSec * 1000;
        const item = simpleReturn?.items.SECONDS_TO_WAIT?.trim();
        if (item !== undefined && /^\d+$/.test(item)) return Number(item) * 1000;
        const retryAfter = retryAfterMs(headers, now);
        return retryAfter ?? this.options.defaultBlockMs;
    }

    /** The error for a block too long to sit out within one call. */
    private longBlockError(
        response: HttpResponseInfo,
        simpleReturn: SimpleReturn | undefined,
        waitMs: number
    ): ConnectorError {
        const qualys = simpleReturn === undefined ? undefined : simpleReturnToError(simpleReturn, response.status);
        const message = qualys?.message ?? `Qualys throttled the ${response.endpoint} API (HTTP ${response.status})`;
        return new ConnectorError('rate_limited', message, {
            code: qualys?.code,
            status: response.status,
            retryAfterMs: waitMs,
            hint:
                `The ${response.endpoint} API of this subscription is blocked for ${formatDuration(waitMs)}; polls resume ` +
                'after that. Poll less often, or ask Qualys support to raise the limit'
        });
    }

    /** Says that, and until when, calls wait for the floor. */
    private logFloorWait(endpoint: string, state: EndpointLimitState, until: number): void {
        const rate = state.rate.snapshot();
        const waitMs = until - this.clock.now();
        this.logger.info(
            `Holding ${endpoint} calls at the rate-limit floor: ${this.options.floor} calls of the window are kept ` +
                `for people and other tools on this account; waiting until ${new Date(until).toISOString()} ` +
                `(${formatDuration(waitMs)})`,
            {
                endpoint,
                floor: this.options.floor,
                until: new Date(until).toISOString(),
                waitSeconds: Math.ceil(waitMs / 1000),
                ...rate
            }
        );
    }

    /** The error for a wait before a call that is too long to sit out within one poll. */
    private longWaitError(endpoint: string, waitMs: number, forFloor: boolean): ConnectorError {
        const why = forFloor
            ? `only the floor of ${this.options.floor} calls, kept for people and other tools, is left in its rate window`
            : 'Qualys blocked it';
        const until = new Date(this.clock.now() + waitMs).toISOString();
        return new ConnectorError(
            'rate_limited',
            `The ${endpoint} API of this subscription cannot be called now: ${why}`,
            {
                retryAfterMs: waitMs,
                hint:
                    `The next call is allowed at ${until} (in ${formatDuration(waitMs)}); polls resume after that. Poll less ` +
                    'often, or ask Qualys support to raise the limit'
            }
        );
    }

    private state(endpoint: string): EndpointLimitState {
        let state = this.endpoints.get(endpoint);
        if (state === undefined) {
            state = new EndpointLimitState();
            this.endpoints.set(endpoint, state);
        }
        return state;
    }
}

function retryAfterMs(headers: HttpHeaders, now: number): number | undefined {
    const raw = headers['retry-after'];
    const text = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (text === undefined || text === '') return undefined;
    if (/^\d+$/.test(text)) return Number(text) * 1000;
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
