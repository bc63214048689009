/**
 * Qualys date handling: output is always UTC `YYYY-MM-DDTHH:MM:SSZ`; inputs accept `YYYY-MM-DD` or a full
 * datetime. The sandbox keeps every instant as whole epoch seconds so it fits in a Uint32Array.
 */

const dayPrefixes = new Map<number, string>();

function two(n: number): string {
    return n < 10 ? `0${n}` : `${n}`;
}

/**
 * Formats epoch seconds as `YYYY-MM-DDTHH:MM:SSZ`. The date part is cached per day because large responses
 * format millions of timestamps that share a handful of days, and Date#toISOString is comparatively slow.
 */
export function formatQualysDate(epochSec: number): string {
    const day = Math.floor(epochSec / 86_400);
    let prefix = dayPrefixes.get(day);
    if (prefix === undefined) {
        prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
        if (dayPrefixes.size > 50_000) dayPrefixes.clear();
        dayPrefixes.set(day, prefix);
    }
    const rest = epochSec - day * 86_400;
    return `${prefix}${two(Math.floor(rest / 3600))}:${two(Math.floor((rest % 3600) / 60))}:${two(rest % 60)}Z`;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(Z|[+-]00:?00)?$/;

/**
 * Parses a Qualys date parameter (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ`, with or without the `Z`) into epoch
 * seconds, or undefined when the text is not a valid UTC date.
 */
export function parseQualysDate(text: string): number | undefined {
    const match = DATE_PATTERN.exec(text.trim());
    if (!match) return undefined;
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map(part => (part ? Number(part) : 0));
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
    const ms = Date.UTC(year, month - 1, day, hour, minute, second);
    // Date.UTC rolls 2024-02-31 over to March; reject instead of silently shifting the filter.
    if (new Date(ms).getUTCDate() !== day) return undefined;
    return Math.floor(ms / 1000);
}

/** Converts a Date, epoch milliseconds or Qualys date text to epoch seconds; throws on unparsable text. */
export function toEpochSec(value: Date | string | number): number {
    if (value instanceof Date) return Math.floor(value.getTime() / 1000);
    if (typeof value === 'number') return Math.floor(value / 1000);
    const parsed = parseQualysDate(value);
    if (parsed === undefined) throw new RangeError(`Not a Qualys date: ${value}`);
    return parsed;
}

/** Formats a number of seconds the way the 1965 rate-limit text does: `23 hours, 57 minutes and 54 seconds`. */
export function describeWait(totalSec: number): string {
    const units: [number, string][] = [
        [Math.floor(totalSec / 3600), 'hour'],
        [Math.floor((totalSec % 3600) / 60), 'minute'],
        [totalSec % 60, 'second']
    ];
    const parts = units.filter(([n]) => n > 0).map(([n, name]) => `${n} ${name}${n === 1 ? '' : 's'}`);
    if (parts.length === 0) return '0 seconds';
    if (parts.length === 1) return parts[0];
    return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** Formats a duration in seconds as the scan list's `HH:MM:SS` or `N days HH:MM:SS`. */
export function formatScanDuration(totalSec: number): string {
    const days = Math.floor(totalSec / 86_400);
    const rest = totalSec % 86_400;
    const clock = `${two(Math.floor(rest / 3600))}:${two(Math.floor((rest % 3600) / 60))}:${two(rest % 60)}`;
    return days > 0 ? `${days} day${days === 1 ? '' : 's'} ${clock}` : clock;
}
