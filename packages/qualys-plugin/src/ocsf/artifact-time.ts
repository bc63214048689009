import { fromQualysTime } from '../model/qualys-time.js';

/**
 * The ISO-8601 UTC form of the first readable time among `candidates`, for an artifact's `time`. When none is
 * readable the epoch is returned: an artifact needs a time, and a fixed one keeps a redelivered artifact
 * identical where the collection time would not.
 */
export function isoTime(...candidates: (string | undefined)[]): string {
    for (const candidate of candidates) {
        const ms = fromQualysTime(candidate);
        if (ms !== undefined) return new Date(ms).toISOString();
    }
    return new Date(0).toISOString();
}
