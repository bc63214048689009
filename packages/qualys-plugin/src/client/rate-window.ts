import type { QualysLimitHeaders } from './qualys-limit-headers.js';

/** Calls of our own remembered per API: enough for any Qualys window, and a bound on memory. */
const MAX_REMEMBERED_STARTS = 10_000;

/**
 * The rate side of one API of one subscription: how many calls are left in Qualys' rolling window, and when a
 * call may start without going below the floor, the calls left for people and other tools on the account.
 *
 * Qualys counts the calls of a rolling window (300 per hour, say) and says how many are left in every response
 * (`X-RateLimit-Remaining`). A call counted there leaves the window one window length after it was made, and
 * only then is it free again. For the calls this process made, that moment is known; for any other call counted
 * (another tool's, or ours from before a restart) it is only sure one window after the count was read. So below
 * the floor a call waits until enough counted calls are known to have left: never on a guess that calls come back
 * at an even pace, which after a burst would spend the floor.
 */
export class RateWindow {
    private limits: Pick<QualysLimitHeaders, 'limit' | 'remaining' | 'windowSec'> = {};
    /** When `limits.remaining` was read. */
    private observedAt = 0;
    /** Calls started since then, which that number does not count yet. */
    private startedSinceObserved = 0;
    /** Start times of our own calls, oldest first, pruned to the current window. */
    private starts: number[] = [];

    /** Takes in the headers of a response received at `now`. */
    observe(headers: QualysLimitHeaders, now: number): void {
        if (headers.limit !== undefined) this.limits.limit = headers.limit;
        if (headers.windowSec !== undefined) this.limits.windowSec = headers.windowSec;
        if (headers.remaining !== undefined) {
            // The server counted every call it had received by now, so the ones we started are in the number.
            this.limits.remaining = headers.remaining;
            this.observedAt = now;
            this.startedSinceObserved = 0;
        }
        this.prune(now);
    }

    /** Counts a call starting at `now`. */
    recordStart(now: number): void {
        this.startedSinceObserved += 1;
        this.starts.push(now);
        if (this.starts.length > MAX_REMEMBERED_STARTS) this.starts.shift();
    }

    /**
     * Calls this process may still make in the window without going below `floor`, as far as it knows; undefined
     * while Qualys has not said how many are left.
     */
    callsAboveFloor(now: number, floor: number): number | undefined {
        const { remaining } = this.limits;
        if (remaining === undefined) return undefined;
        return this.left(now) - floor;
    }

    /**
     * The time (epoch ms) from which a call leaves more than `floor` calls in the window, or undefined when one may
     * start now. Without a window length there is nothing to wait for: a missing header never blocks calls (Qualys
     * says with a 409 if that was wrong).
     */
    floorClearsAt(now: number, floor: number): number | undefined {
        const { remaining, windowSec } = this.limits;
        if (remaining === undefined || windowSec === undefined || this.left(now) > floor) return undefined;
        const windowMs = windowSec * 1000;
        // Counted calls that must leave the window for one call to start above the floor.
        const needed = floor - (remaining - this.startedSinceObserved) + 1;
        const counted = this.countedStarts(windowMs);
        const known = counted[needed - 1];
        return known === undefined ? this.observedAt + windowMs : known + windowMs;
    }

    /** What is known now, for snapshots and log lines. */
    snapshot(): { limit?: number; remaining?: number; windowSec?: number } {
        const { limit, remaining, windowSec } = this.limits;
        return { limit, remaining, windowSec };
    }

    /** Calls left in the window at `now`: the count read, plus counted calls known to have left, minus ours since. */
    private left(now: number): number {
        const { remaining = 0, limit, windowSec } = this.limits;
        let freed = 0;
        if (windowSec !== undefined) {
            const windowMs = windowSec * 1000;
            if (now >= this.observedAt + windowMs) freed = Infinity;
            else for (const start of this.countedStarts(windowMs)) if (start + windowMs <= now) freed += 1;
        }
        return Math.min(remaining + freed, limit ?? Infinity) - this.startedSinceObserved;
    }

    /** Our calls counted in the last reading (started before it, within the window before it), oldest first. */
    private countedStarts(windowMs: number): number[] {
        return this.starts.filter(start => start <= this.observedAt && start > this.observedAt - windowMs);
    }

    private prune(now: number): void {
        const windowMs = (this.limits.windowSec ?? 0) * 1000;
        if (windowMs === 0) return;
        const oldest = Math.min(now, this.observedAt) - windowMs;
        while (this.starts.length > 0 && this.starts[0] <= oldest) this.starts.shift();
    }
}
