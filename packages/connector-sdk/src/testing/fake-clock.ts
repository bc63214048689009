import type { Clock } from '../clock.js';

/** Options of a {@link FakeClock}. */
export interface FakeClockOptions {
    /** Start time: ms since the epoch, an ISO string or a Date (default `2024-01-01T00:00:00Z`). */
    now?: number | string | Date;
    /** Resolve every sleep at once, moving the time forward by its duration (default false). */
    autoAdvance?: boolean;
}

interface PendingSleep {
    dueAt: number;
    order: number;
    resolve(): void;
}

/** Safety net for `runAll()`: code that sleeps in a loop forever would otherwise hang the test. */
const MAX_TIMERS_PER_RUN = 100_000;

/**
 * A {@link Clock} whose time only moves when the test says so: sleeps stay pending until `advance(ms)`,
 * `advanceToNextTimer()` or `runAll()` moves the time past them, so waits are instant and exact. Aborting a
 * sleep's signal rejects it with the signal's reason, like the real clock.
 *
 * With `autoAdvance`, every sleep resolves at once and moves the time by its duration: handy when the code
 * under test sleeps (backoff, throttling) and the test only cares that it waited the right total time.
 *
 * The advancing methods are async: they resolve sleeps one at a time in due order and let the woken code run
 * (up to its next sleep) before moving on, so a loop that sleeps repeatedly advances as it would in real time.
 */
export class FakeClock implements Clock {
    /** When true, sleeps resolve immediately and move the time forward (see the class comment). */
    autoAdvance: boolean;
    private time: number;
    private sleeps: PendingSleep[] = [];
    private created = 0;

    constructor(options: FakeClockOptions = {}) {
        this.time = options.now === undefined ? Date.parse('2024-01-01T00:00:00Z') : new Date(options.now).getTime();
        this.autoAdvance = options.autoAdvance ?? false;
    }

    now(): number {
        return this.time;
    }

    /** How many sleeps are waiting for the time to move. */
    get pendingSleeps(): number {
        return this.sleeps.length;
    }

    sleep(ms: number, signal?: AbortSignal): Promise<void> {
        if (signal?.aborted) return Promise.reject(signal.reason);
        const duration = Math.max(0, ms);
        if (this.autoAdvance) {
            this.time += duration;
            return Promise.resolve();
        }
        // A zero sleep is a yield, not a timer: nothing should have to advance the clock for it.
        if (duration === 0) return Promise.resolve();
        return new Promise<void>((resolve, reject) => {
            const entry: PendingSleep = {
                dueAt: this.time + duration,
                order: this.created++,
                resolve: () => {
                    signal?.removeEventListener('abort', onAbort);
                    resolve();
                }
            };
            const onAbort = (): void => {
                this.sleeps = this.sleeps.filter(other => other !== entry);
                reject(signal?.reason);
            };
            signal?.addEventListener('abort', onAbort, { once: true });
            this.sleeps.push(entry);
        });
    }

    /** Moves the time forward by `ms`, waking every sleep that falls due on the way, in order. */
    async advance(ms: number): Promise<void> {
        const target = this.time + Math.max(0, ms);
        for (let next = this.next(); next !== undefined && next.dueAt <= target; next = this.next()) {
            await this.wake(next);
        }
        this.time = Math.max(this.time, target);
    }

    /** Moves the time to the next pending sleep and wakes it (and any due at the same time); false if none. */
    async advanceToNextTimer(): Promise<boolean> {
        const next = this.next();
        if (next === undefined) return false;
        await this.advance(next.dueAt - this.time);
        return true;
    }

    /** Advances until no sleep is pending, including the sleeps that woken code starts. */
    async runAll(): Promise<void> {
        for (let count = 0; await this.advanceToNextTimer(); count++) {
            if (count >= MAX_TIMERS_PER_RUN) {
                throw new Error(
                    `FakeClock.runAll: still sleeping after ${MAX_TIMERS_PER_RUN} timers; is the code sleeping in an endless loop?`
                );
            }
        }
    }

    /** Sets the time (it never moves backwards while sleeps are pending); does not wake anything. */
    setTime(time: number | string | Date): void {
        const next = new Date(time).getTime();
        if (this.sleeps.length > 0 && next < this.time)
            throw new Error('FakeClock.setTime: cannot go back while sleeps are pending');
        this.time = next;
    }

    private next(): PendingSleep | undefined {
        let earliest: PendingSleep | undefined;
        for (const entry of this.sleeps) {
            if (
                earliest === undefined ||
                entry.dueAt < earliest.dueAt ||
                (entry.dueAt === earliest.dueAt && entry.order < earliest.order)
            ) {
                earliest = entry;
            }
        }
        return earliest;
    }

    private async wake(entry: PendingSleep): Promise<void> {
        this.sleeps = this.sleeps.filter(other => other !== entry);
        this.time = Math.max(this.time, entry.dueAt);
        entry.resolve();
        // A macrotask turn lets every microtask chain the wake-up started run, up to the code's next sleep.
        await new Promise<void>(resolve => setImmediate(resolve));
    }
}
