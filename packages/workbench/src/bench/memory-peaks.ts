/** Peak values of `process.memoryUsage()`, in bytes. */
export interface MemoryPeak {
    rss: number;
    heapUsed: number;
    heapTotal: number;
    external: number;
    arrayBuffers: number;
}

/**
 * Samples `process.memoryUsage()` on a timer and keeps the peaks: `maxRSS` says how much memory the process
 * needed, these say where it went (V8 heap vs buffers), which decides what to fix when RSS is over budget.
 */
export class MemoryPeaks {
    readonly peak: MemoryPeak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
    private readonly timer: NodeJS.Timeout;

    /** @param intervalMs sampling period; short enough to catch a batch's peak, cheap enough not to matter. */
    constructor(intervalMs = 100) {
        this.timer = setInterval(() => this.sample(), intervalMs);
        // Sampling must never keep the process alive.
        this.timer.unref();
        this.sample();
    }

    /** Takes a last sample and stops. */
    stop(): void {
        clearInterval(this.timer);
        this.sample();
    }

    private sample(): void {
        const usage = process.memoryUsage();
        for (const key of Object.keys(this.peak) as (keyof MemoryPeak)[]) {
            this.peak[key] = Math.max(this.peak[key], usage[key]);
        }
    }
}
