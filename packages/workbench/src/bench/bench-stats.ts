/** Small pure helpers for the ingestion benchmark: medians and number formatting. */

/** Bytes per MB: the benchmark reports decimal megabytes (10^6 bytes) everywhere, RSS included. */
export const MB = 1_000_000;

/** The median of `values` (the mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median of one numeric field over several runs. */
export function medianOf<T>(runs: readonly T[], field: (run: T) => number): number {
    return median(runs.map(field));
}

/** `value` with `digits` decimals and thousands separators, e.g. `12,345.6`; `n/a` when not finite. */
export function formatNumber(value: number, digits = 0): string {
    if (!Number.isFinite(value)) return 'n/a';
    return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Bytes as decimal megabytes, e.g. `1,234.5 MB`. */
export function formatMB(bytes: number, digits = 1): string {
    return Number.isFinite(bytes) ? `${formatNumber(bytes / MB, digits)} MB` : 'n/a';
}

/** A ratio as a percentage, e.g. `48%`. */
export function formatPercent(ratio: number): string {
    return `${formatNumber(ratio * 100, 0)}%`;
}

/** A ratio as a multiple, e.g. `0.72x`. */
export function formatTimes(ratio: number): string {
    return Number.isFinite(ratio) ? `${formatNumber(ratio, 2)}x` : 'n/a';
}

/** Milliseconds as seconds, e.g. `57.3 s`. */
export function formatSeconds(ms: number): string {
    return Number.isFinite(ms) ? `${formatNumber(ms / 1000, 1)} s` : 'n/a';
}

/** Elapsed time since `startMs` as `m:ss`, for progress lines. */
export function elapsedClock(startMs: number, nowMs: number = Date.now()): string {
    const seconds = Math.max(0, Math.round((nowMs - startMs) / 1000));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
