import { HOST_ID_SAMPLE_SIZE, type HostIdDistribution, type HostIdRangeCursor } from './qualys-checkpoint.js';

/**
 * Host detection pages that may run side by side: the subscription's concurrency limit for the API (Qualys'
 * `X-Concurrency-Limit-Limit`, shared by every instance of the subscription), minus one slot kept free for
 * people and other tools when the limit allows it (3 or more), capped by the `maxConcurrentPages` setting.
 */
export function usableConcurrency(concurrencyLimit: number, maxConcurrentPages: number): number {
    const limit = Math.max(1, Math.floor(concurrencyLimit));
    const usable = limit >= 3 ? limit - 1 : limit;
    return Math.max(1, Math.min(usable, Math.floor(maxConcurrentPages)));
}

/**
 * Splits every host id into at most `count` disjoint ranges holding about as many hosts each, from a host id
 * distribution: its sample's quantiles are the boundaries. The first range is open below and the last open
 * above, so hosts outside the sample (new ones included) still fall in exactly one range. Fewer ranges when
 * each would hold fewer than `minHostsPerRange` hosts, or when the sample has too few distinct ids; one range
 * (a sequential walk) without a distribution.
 */
export function planHostIdRanges(
    distribution: HostIdDistribution | undefined,
    count: number,
    minHostsPerRange: number
): HostIdRangeCursor[] {
    const sample = distribution === undefined ? [] : [...new Set(distribution.sample)].sort((a, b) => a - b);
    const bySize = distribution === undefined ? 1 : Math.floor(distribution.count / Math.max(1, minHostsPerRange));
    const wanted = Math.max(1, Math.min(Math.floor(count), bySize, sample.length));
    // Each boundary is the first host id of the next range.
    const starts: number[] = [];
    for (let i = 1; i < wanted; i++) {
        const start = sample[Math.floor((i * sample.length) / wanted)];
        if (start > (starts.at(-1) ?? sample[0])) starts.push(start);
    }
    const ranges: HostIdRangeCursor[] = [];
    let idMin: number | undefined;
    for (const start of starts) {
        ranges.push(idMin === undefined ? { idMax: start - 1 } : { idMin, idMax: start - 1 });
        idMin = start;
    }
    ranges.push(idMin === undefined ? {} : { idMin });
    return ranges;
}

/** The `id_min` a range's next page starts at, or undefined at the start of the first range. */
export function rangeStart(range: HostIdRangeCursor): number | undefined {
    return range.nextIdMin ?? range.idMin;
}

/** Describes ranges for a log line, e.g. `first..1999, 2000..4999 (at 3100), 5000..last (done)`. */
export function describeRanges(ranges: readonly HostIdRangeCursor[]): string {
    return ranges
        .map(range => {
            const span = `${range.idMin ?? 'first'}..${range.idMax ?? 'last'}`;
            if (range.done === true) return `${span} (done)`;
            return range.nextIdMin === undefined ? span : `${span} (at ${range.nextIdMin})`;
        })
        .join(', ');
}

/**
 * A bounded, evenly spread sample of host ids, taken as they go by: every `step`-th id is kept, and when the
 * sample is full every other one is dropped and the step doubled. Memory stays at twice the sample size,
 * whatever the number of hosts; ids may arrive from several ranges interleaved.
 */
export class HostIdSample {
    private ids: number[] = [];
    private step = 1;
    private seen = 0;

    constructor(private readonly size = HOST_ID_SAMPLE_SIZE) {}

    /** Takes in one host id. */
    add(id: number): void {
        if (this.seen % this.step === 0) this.ids.push(id);
        this.seen += 1;
        if (this.ids.length >= 2 * this.size) {
            this.ids = this.ids.filter((_, i) => i % 2 === 0);
            this.step *= 2;
        }
    }

    /** Takes in every host id of `[min, max]` (a run of consecutive ids, as the host list sends them). */
    addRange(min: number, max: number): void {
        // Only the kept ids are visited, so a run of a million ids costs a few steps.
        let id = min;
        while (id <= max) {
            const skip = (this.step - (this.seen % this.step)) % this.step;
            if (skip > 0) {
                const skipped = Math.min(skip, max - id + 1);
                this.seen += skipped;
                id += skipped;
                continue;
            }
            this.add(id);
            id += 1;
        }
    }

    /** How many host ids were taken in. */
    get count(): number {
        return this.seen;
    }

    /** The distribution: the count and at most `size` ids of the sample, ascending and evenly spread. */
    distribution(): HostIdDistribution {
        const sorted = [...this.ids].sort((a, b) => a - b);
        const keep = Math.min(this.size, sorted.length);
        const sample = Array.from({ length: keep }, (_, i) => sorted[Math.floor((i * sorted.length) / keep)]);
        return { count: this.seen, sample };
    }
}
