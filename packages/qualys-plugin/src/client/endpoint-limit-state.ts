import type { QualysLimitHeaders } from './qualys-limit-headers.js';
import { RateWindow } from './rate-window.js';

/** What a limiter knows of one API's limits; numbers Qualys has not sent yet are undefined. */
export interface EndpointLimitSnapshot {
    rateLimit: { limit?: number; remaining?: number; windowSec?: number };
    /** Concurrent calls allowed (Qualys' header, capped by our own ceiling; a default until a header is seen). */
    concurrencyLimit: number;
    /** True once Qualys has said the limit (`X-Concurrency-Limit-Limit`): `concurrencyLimit` is no longer a default. */
    concurrencyLimitKnown: boolean;
    /** Calls Qualys counted as running at the last response, other tools' calls included. */
    concurrencyRunningRemote?: number;
    /** Our own calls running now. */
    running: number;
    /** Epoch ms until which calls are (or were last) blocked; undefined when they never were. */
    blockedUntil?: number;
}

/**
 * The mutable limit state of one API of one subscription: its rate window (see {@link RateWindow}), blocks Qualys
 * asked for, and the concurrency side (our running calls, Qualys' limit, waiters for a free slot). The limiter's
 * policy decides; this only keeps count.
 */
export class EndpointLimitState {
    /** Epoch ms before which no call may start (a rate or concurrency block). */
    blockedUntil = 0;
    /** Our calls between `start()` and their release. */
    running = 0;
    /** Consecutive concurrency blocks, for the backoff; reset by a success. */
    concurrencyStrikes = 0;
    /** Calls left in Qualys' rolling window, and when the floor clears. */
    readonly rate = new RateWindow();

    private limits: Pick<QualysLimitHeaders, 'concurrencyLimit' | 'concurrencyRunning'> = {};
    private waiters: (() => void)[] = [];

    /** Takes in the headers of a response received at `now`. */
    observe(headers: QualysLimitHeaders, now: number): void {
        if (headers.concurrencyLimit !== undefined) this.limits.concurrencyLimit = headers.concurrencyLimit;
        if (headers.concurrencyRunning !== undefined) this.limits.concurrencyRunning = headers.concurrencyRunning;
        this.rate.observe(headers, now);
        if (headers.toWaitSec !== undefined && headers.toWaitSec > 0) {
            this.blockedUntil = Math.max(this.blockedUntil, now + headers.toWaitSec * 1000);
        }
    }

    /** Concurrent calls we allow ourselves now. */
    concurrencyLimit(fallback: number, ceiling: number | undefined): number {
        const limit = Math.max(1, this.limits.concurrencyLimit ?? fallback);
        return ceiling === undefined ? limit : Math.max(1, Math.min(limit, ceiling));
    }

    /** Counts a call starting at `now` as running; the returned function ends it, once, however often it is called. */
    start(now: number): () => void {
        this.running += 1;
        this.rate.recordStart(now);
        let released = false;
        return () => {
            if (released) return;
            released = true;
            this.running -= 1;
            // Everyone re-checks: the freed slot goes to the first waiter whose other conditions hold too.
            const waiters = this.waiters;
            this.waiters = [];
            for (const wake of waiters) wake();
        };
    }

    /** Resolves at the next release; rejects with the signal's reason if it aborts first. */
    waitForRelease(signal?: AbortSignal): Promise<void> {
        return new Promise((resolve, reject) => {
            if (signal?.aborted) {
                reject(signal.reason);
                return;
            }
            const onAbort = (): void => {
                this.waiters = this.waiters.filter(waiter => waiter !== wake);
                reject(signal?.reason);
            };
            const wake = (): void => {
                signal?.removeEventListener('abort', onAbort);
                resolve();
            };
            this.waiters.push(wake);
            signal?.addEventListener('abort', onAbort, { once: true });
        });
    }

    /** A copy of what is known now, with the concurrency limit resolved as {@link concurrencyLimit} does. */
    snapshot(fallbackConcurrency: number, ceiling: number | undefined): EndpointLimitSnapshot {
        return {
            rateLimit: this.rate.snapshot(),
            concurrencyLimit: this.concurrencyLimit(fallbackConcurrency, ceiling),
            concurrencyLimitKnown: this.limits.concurrencyLimit !== undefined,
            concurrencyRunningRemote: this.limits.concurrencyRunning,
            running: this.running,
            blockedUntil: this.blockedUntil > 0 ? this.blockedUntil : undefined
        };
    }
}
