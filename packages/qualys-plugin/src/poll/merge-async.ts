/** A value from one of the sources {@link mergeAsync} reads, with the index of that source. */
export interface MergedValue<T> {
    source: number;
    value: T;
}

/**
 * Reads several async sources side by side and yields their values as they arrive, each tagged with its source.
 * At most `maxActive` sources are read at a time (the others start, in order, as those end). Each source is asked
 * for its next value only once the previous one was handed out, so at most one value per source waits here:
 * memory stays bounded by the number of sources, and a source runs ahead of the consumer by one value at most.
 *
 * When a source throws, or the consumer stops early, `stop` is called first (it should abort what the other
 * sources are waiting on, e.g. through an `AbortController` they share); then every source started is closed,
 * its pending read settled, and the first error rethrown.
 */
export async function* mergeAsync<T>(
    sources: readonly AsyncIterator<T>[],
    stop: () => void,
    maxActive = sources.length
): AsyncGenerator<MergedValue<T>, void, undefined> {
    type Settled = { source: number; result: IteratorResult<T> } | { source: number; error: unknown };
    // Reads settle into this queue, and wake the loop. (Not Promise.race: a race over a read that stays pending
    // for long keeps every earlier race's result, values included, reachable until that read settles.)
    const settledReads: Settled[] = [];
    const reading = new Map<number, Promise<void>>();
    let wake: (() => void) | undefined;
    const settle = (settled: Settled): void => {
        settledReads.push(settled);
        wake?.();
    };
    const read = (source: number): void => {
        reading.set(
            source,
            sources[source].next().then(
                result => settle({ source, result }),
                (error: unknown) => settle({ source, error })
            )
        );
    };
    let started = 0;
    const startMore = (): void => {
        while (started < sources.length && reading.size < Math.max(1, maxActive)) read(started++);
    };
    startMore();
    let finished = false;
    try {
        while (reading.size > 0) {
            if (settledReads.length === 0) await new Promise<void>(resolve => (wake = resolve));
            wake = undefined;
            const settled = settledReads.shift();
            if (settled === undefined) continue;
            reading.delete(settled.source);
            if ('error' in settled) throw settled.error;
            if (settled.result.done === true) {
                startMore();
                continue;
            }
            yield { source: settled.source, value: settled.result.value };
            read(settled.source);
        }
        finished = true;
    } finally {
        if (!finished) {
            stop();
            // The reads still running end once stopped; then the sources are closed, so they release what they hold.
            await Promise.allSettled(reading.values());
            await Promise.allSettled(sources.slice(0, started).map(source => source.return?.()));
        }
    }
}
