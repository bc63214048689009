/**
 * A copy of `value` without undefined properties, recursively through plain objects and arrays. Artifacts
 * become JSON lines, where such keys vanish anyway, but in memory they make deep comparisons and key listings
 * disagree with the JSON. For the low-volume artifacts (KnowledgeBase entries, scans, run summaries), where a
 * generic walk costs nothing; the detection mapper builds its objects without undefined values instead.
 */
export function withoutUndefined<T>(value: T): T {
    if (Array.isArray(value)) return value.map(item => withoutUndefined(item)) as T;
    if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) {
        return value;
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
        if (item !== undefined) out[key] = withoutUndefined(item);
    }
    return out as T;
}
