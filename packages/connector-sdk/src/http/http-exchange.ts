import type { Readable } from 'node:stream';
import { ConnectorError } from '../connector-error.js';
import { HTTP_DEFAULTS } from './client-settings.js';
import { abortReason, type ExchangeContext, failureContext, throwIfAborted } from './exchange-context.js';
import { ExchangeReporter } from './exchange-reporter.js';
import { AttemptFailure, startAttempt } from './http-attempt.js';
import type { HttpHeaders, RateLimitVerdict } from './http-client.js';
import { classifyNetworkError, type NetworkFailure, timeoutError } from './network-error.js';
import { readBody } from './read-body.js';
import { wrapResponseBody } from './response-body.js';
import { backoffDelay, RETRYABLE_STATUSES, retryDelay } from './retry-delay.js';

export type { ExchangeContext } from './exchange-context.js';

/** The response a call settled on. */
export interface Exchange {
    status: number;
    headers: HttpHeaders;
    /** The body still to read (2xx); already consumed when `errorBody` is set. */
    body: Readable;
    /** The body of a non-2xx response, capped at 64 KiB. */
    errorBody?: string;
    /** `performance.now()` when the final attempt was sent. */
    startedAt: number;
}

/**
 * Sends a call until it settles: retries network failures, timeouts and retryable statuses with backoff,
 * lets the rate-limit policy gate every attempt and judge every response, and honours the abort signal
 * at every wait. Rate-limit permits are released exactly once per attempt, when its response has ended.
 */
export async function exchange(context: ExchangeContext): Promise<Exchange> {
    const { settings, signal } = context;
    const report = new ExchangeReporter(context);
    let retries = 0;
    let throttles = 0;
    for (let attempt = 1; ; attempt++) {
        throwIfAborted(context);
        const release = await acquire(context);
        if (signal?.aborted) {
            release();
            throw abortReason(context);
        }
        const startedAt = performance.now();
        report.request(attempt);
        let response;
        try {
            response = await startAttempt({
                url: context.url,
                method: context.method,
                headers: context.headers,
                body: context.body,
                agent: settings.agent,
                ca: settings.ca,
                connectMs: settings.connectMs,
                responseMs: settings.responseMs,
                signal
            });
        } catch (error) {
            release();
            throwIfAborted(context);
            const failure = classifyFailure(error, context);
            if (!failure.retryable || retries >= settings.retryLimit) {
                throw failure.error;
            }
            retries++;
            const delay = backoffDelay(retries, settings.baseDelayMs, settings.maxDelayMs, context.random);
            report.retry(retries, delay, failure.reason);
            await sleep(context, delay);
            continue;
        }

        const { status, headers } = response;
        const body = wrapResponseBody(response.body, context, release);
        report.response(status, Math.round(performance.now() - startedAt));
        let errorBody: string | undefined;
        if (status < 200 || status >= 300) {
            try {
                errorBody = (await readBody(body, HTTP_DEFAULTS.maxErrorBodyBytes)).text;
            } finally {
                release();
            }
        }
        let verdict: RateLimitVerdict = { action: 'proceed' };
        try {
            verdict =
                context.policy?.review({ endpoint: context.endpoint, status, headers, body: errorBody }) ?? verdict;
        } catch (error) {
            body.destroy();
            throw error;
        }
        if (verdict.action === 'fail') {
            body.destroy();
            throw verdict.error;
        }
        if (verdict.action === 'retry') {
            body.destroy();
            if (++throttles > context.maxThrottleRetries) {
                throw new ConnectorError(
                    'rate_limited',
                    `${context.method} ${context.displayUrl} was still throttled after ${context.maxThrottleRetries} waits: ${verdict.reason}`,
                    {
                        status,
                        retryAfterMs: verdict.afterMs,
                        hint: 'The API keeps refusing calls; the next run will try again'
                    }
                );
            }
            const delay = Math.max(0, verdict.afterMs);
            report.throttled(delay, verdict.reason);
            await sleep(context, delay);
            continue;
        }
        if (RETRYABLE_STATUSES.has(status) && retries < settings.retryLimit) {
            body.destroy();
            retries++;
            const delay = retryDelay(retries, headers, {
                baseMs: settings.baseDelayMs,
                maxMs: settings.maxDelayMs,
                now: context.clock.now(),
                random: context.random
            });
            report.retry(retries, delay, `HTTP ${status}`);
            await sleep(context, delay);
            continue;
        }
        return { status, headers, body, errorBody, startedAt };
    }
}

/** Waits for a permit; the returned release runs at most once, however often it is called. */
async function acquire(context: ExchangeContext): Promise<() => void> {
    if (context.policy === undefined) {
        return () => undefined;
    }
    let release: () => void;
    try {
        release = await context.policy.acquire(context.endpoint, context.signal);
    } catch (error) {
        throwIfAborted(context);
        throw error;
    }
    let released = false;
    return () => {
        if (!released) {
            released = true;
            release();
        }
    };
}

async function sleep(context: ExchangeContext, ms: number): Promise<void> {
    try {
        await context.clock.sleep(ms, context.signal);
    } catch (error) {
        throwIfAborted(context);
        throw error;
    }
}

function classifyFailure(error: unknown, context: ExchangeContext): NetworkFailure {
    if (error instanceof AttemptFailure) {
        const { reason } = error;
        if (reason.type === 'aborted') {
            throw abortReason(context);
        }
        if (reason.type === 'timeout') {
            return {
                retryable: true,
                reason: `${reason.which} timeout`,
                error: timeoutError(reason.which, reason.ms, failureContext(context))
            };
        }
        return classifyNetworkError(reason.error, failureContext(context));
    }
    return classifyNetworkError(error, failureContext(context));
}
