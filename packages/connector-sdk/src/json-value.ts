/** Where a value stops being plain JSON, and what is there instead. */
export interface NonJsonValue {
    /** Dotted path inside the value (`entries[2].seenAt`); empty for the value itself. */
    path: string;
    /** What was found, e.g. `a Date`, `a function`, `NaN`, `a circular reference`. */
    found: string;
}

/**
 * Finds the first part of `value` that would not survive a JSON round trip unchanged: a Date (becomes a string),
 * a Map or Set or class instance (becomes `{}` or loses its prototype), a function or symbol (dropped), NaN or
 * Infinity (become null), a bigint (throws), `undefined` in an array (becomes null), a circular reference.
 * `undefined` object properties are allowed: JSON drops them, and reading them back gives `undefined` again.
 * Returns undefined when the value is plain JSON.
 */
export function findNonJsonValue(value: unknown, path = '', ancestors: object[] = []): NonJsonValue | undefined {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
    if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, found: String(value) };
    if (typeof value !== 'object') return { path, found: value === undefined ? 'undefined' : `a ${typeof value}` };
    if (ancestors.includes(value)) return { path, found: 'a circular reference' };
    const inner = [...ancestors, value];
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            const found = findNonJsonValue(value[i], `${path}[${i}]`, inner);
            if (found !== undefined) return found;
        }
        return undefined;
    }
    const prototype = Object.getPrototypeOf(value) as object | null;
    if (prototype !== Object.prototype && prototype !== null) {
        return {
            path,
            found: `a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'class instance'}`
        };
    }
    for (const [key, child] of Object.entries(value)) {
        if (child === undefined) continue;
        const found = findNonJsonValue(child, path === '' ? key : `${path}.${key}`, inner);
        if (found !== undefined) return found;
    }
    return undefined;
}

/** Throws a TypeError naming `what` and the offending path when `value` is not plain JSON (see {@link findNonJsonValue}). */
export function assertJsonValue(value: unknown, what: string): void {
    const problem = findNonJsonValue(value);
    if (problem === undefined) return;
    const where = problem.path === '' ? '' : ` at '${problem.path}'`;
    throw new TypeError(
        `${what} is not plain JSON: found ${problem.found}${where}; store strings, numbers, booleans, arrays and plain objects`
    );
}
