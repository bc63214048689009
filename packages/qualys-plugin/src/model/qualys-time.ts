/** Formats epoch ms as the Qualys input format `YYYY-MM-DDTHH:MM:SSZ` (second precision, UTC). */
export function toQualysTime(ms: number): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Parses a Qualys time (`YYYY-MM-DD[THH:MM:SSZ]`, ISO-8601) to epoch ms; undefined when absent or unreadable.
 * The poll windows and the OCSF mappers both read Qualys times through it.
 */
export function fromQualysTime(text: string | undefined): number | undefined {
    if (!text) return undefined;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
}
