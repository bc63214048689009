/** Parses an ISO-8601 time (as Qualys sends them) to epoch milliseconds; undefined when absent or unreadable. */
export function epochMs(text: string | undefined): number | undefined {
    if (!text) return undefined;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The ISO-8601 UTC form of the first readable time among `candidates`, for an artifact's `time`. When none is
 * readable the epoch is returned: an artifact needs a time, and a fixed one keeps a redelivered artifact
 * identical where the collection time would not.
 */
export function isoTime(...candidates: (string | undefined)[]): string {
    for (const candidate of candidates) {
        const ms = epochMs(candidate);
        if (ms !== undefined) return new Date(ms).toISOString();
    }
    return new Date(0).toISOString();
}
