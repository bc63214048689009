import type { QualysLimitHeaders } from './qualys-limit-headers.js';

/** What a limiter knows of one API's limits; numbers Qualys has not sent yet are undefined. */
export interface EndpointLimitSnapshot {
    rateLimit: { limit?: number; remaining?: number; windowSec?: number };
    /** Concurrent calls allowed (Qualys' header, capped by our own ceiling; a default until a header is seen). */
    concurrencyLimit: number;
    /** Calls Qualys counted as running at the last response, other tools' calls included. */
    concurrencyRunningRemote?: number;
    /** Our own calls running now. */
    running: number;
    /** Epoch ms until which calls are (or were last) blocked; undefined when they never were. */
    blockedUntil?: number;
}

/**
 * The mutable limit state of one API of one subscription. Kept apart from the limiter's policy so the
 * arithmetic of "calls left in the window" stays in one place.
 */
export class EndpointLimitState {
    /** Epoch ms before which no call may start (a rate or concurrency block). */
    blockedUntil = 0;
    /** Our calls between `start()` and their release. */
    running = 0;
    /** Consecutive concurrency blocks, for the backoff; reset by a success. */
    concurrencyStrikes = 0;

    private limits: QualysLimitHeaders = {};
    /** When `limits.remaining` was read. */
    private observedAt = 0;
    /** Calls started since then, which that number does not count yet. */
    private startedSinceObserved = 0;
    private waiters: (() => void)[] = [];

    /** Takes in the headers of a response received at `now`. */
    observe(headers: QualysLimitHeaders, now: number): void {
        const known = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined));
        this.limits = { ...this.limits, ...known };
        if (headers.remaining !== undefined) {
            // The server counted every call it had received by now, so the ones we started are in the number.
            this.observedAt = now;
            this.startedSinceObserved = 0;
        }
        if (headers.toWaitSec !== undefined && headers.toWaitSec > 0) {
            this.blockedUntil = Math.max(this.blockedUntil, now + headers.toWaitSec * 1000);
        }
    }

    /**
     * How long to wait before the calls left in the window exceed `reserve`. The window slides, so calls free
     * up about every `window / limit`; without that information there is nothing to wait for (Qualys will say
     * with a 409 if we were wrong), so a missing header never deadlocks.
     */
    reserveWaitMs(now: number, reserve: number): number {
        const { remaining, limit, windowSec } = this.limits;
        if (remaining === undefined) return 0;
        const intervalMs =
            limit !== undefined && limit > 0 && windowSec !== undefined ? (windowSec * 1000) / limit : undefined;
        const freed =
            intervalMs === undefined || intervalMs <= 0 ? 0 : Math.floor((now - this.observedAt) / intervalMs);
        const left = Math.min(remaining + freed, limit ?? Infinity) - this.startedSinceObserved;
        if (left > reserve) return 0;
        if (intervalMs === undefined || intervalMs <= 0) return 0;
        const needed = reserve - left + 1;
        return Math.max(1, Math.ceil(this.observedAt + (freed + needed) * intervalMs - now));
    }

    /** Concurrent calls we allow ourselves now. */
    concurrencyLimit(fallback: number, ceiling: number | undefined): number {
        const limit = Math.max(1, this.limits.concurrencyLimit ?? fallback);
        return ceiling === undefined ? limit : Math.max(1, Math.min(limit, ceiling));
    }

    /** Counts a call as running; the returned function ends it, once, however often it is called. */
    start(): () => void {
        this.running += 1;
        this.startedSinceObserved += 1;
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
            rateLimit: { limit: this.limits.limit, remaining: this.limits.remaining, windowSec: this.limits.windowSec },
            concurrencyLimit: this.concurrencyLimit(fallbackConcurrency, ceiling),
            concurrencyRunningRemote: this.limits.concurrencyRunning,
            running: this.running,
            blockedUntil: this.blockedUntil > 0 ? this.blockedUntil : undefined
        };
    }
}
