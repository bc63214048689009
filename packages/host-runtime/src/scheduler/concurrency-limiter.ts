/** Frees the slot taken by {@link ConcurrencyLimiter.acquire}; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
    grant(release: Release): void;
    reject(reason: unknown): void;
}

/**
 * A first-in, first-out semaphore: at most `limit` holders at once, the others wait in the order they asked.
 * The scheduler uses it to cap the polls running across all instances (`maxConcurrentPolls`).
 */
export class ConcurrencyLimiter {
    private active = 0;
    private readonly queue: Waiter[] = [];

    constructor(readonly limit: number) {
        if (!Number.isInteger(limit) || limit < 1)
            throw new RangeError(`the concurrency limit must be a positive integer, not ${limit}`);
    }

    /** Holders right now. */
    get running(): number {
        return this.active;
    }

    /** Callers waiting for a slot. */
    get waiting(): number {
        return this.queue.length;
    }

    /** Resolves with a release function once a slot is free; rejects with the signal's reason if it aborts first. */
    acquire(signal?: AbortSignal): Promise<Release> {
        if (signal?.aborted) return Promise.reject(signal.reason);
        if (this.active < this.limit) {
            this.active++;
            return Promise.resolve(this.releaser());
        }
        return new Promise<Release>((resolve, reject) => {
            const onAbort = (): void => {
                const index = this.queue.indexOf(waiter);
                if (index >= 0) this.queue.splice(index, 1);
                reject(signal?.reason);
            };
            const waiter: Waiter = {
                grant: release => {
                    signal?.removeEventListener('abort', onAbort);
                    resolve(release);
                },
                reject
            };
            signal?.addEventListener('abort', onAbort, { once: true });
            this.queue.push(waiter);
        });
    }

    private releaser(): Release {
        let released = false;
        return () => {
            if (released) return;
            released = true;
            const next = this.queue.shift();
            // The slot passes straight to the next waiter, so a newcomer can never jump the queue.
            if (next !== undefined) next.grant(this.releaser());
            else this.active--;
        };
    }
}
