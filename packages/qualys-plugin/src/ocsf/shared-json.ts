/*
 * JSON text rendered once for objects many artifacts share. A host's `device` is the same in every finding of that
 * host, and a QID's vulnerability in every finding of that QID: the mapper builds each once and marks it here,
 * and {@link renderJson} splices the text rendered the first time instead of serialising the object again.
 */

/** Marked objects, with their text once rendered (`null` until first needed). Entries die with their objects. */
const rendered = new WeakMap<object, string | null>();

/** Marks `value` as shared by many artifacts, so its JSON is rendered once; returns it. Treat it as read-only. */
export function shareJson<T extends object>(value: T): T {
    if (!rendered.has(value)) rendered.set(value, null);
    return value;
}

/** Where {@link renderJson} walks into objects (keys under which shared objects sit); elsewhere it renders whole. */
export interface JsonPaths {
    readonly [key: string]: JsonPaths;
}

/** `"key":` per key, so the few keys a finding has are escaped once. */
const keyTexts = new Map<string, string>();

function keyText(key: string): string {
    let text = keyTexts.get(key);
    if (text === undefined) {
        text = `${JSON.stringify(key)}:`;
        if (keyTexts.size < 1000) keyTexts.set(key, text);
    }
    return text;
}

/**
 * Exactly `JSON.stringify(value)` for plain data (objects, arrays, strings, finite numbers, booleans, null), but
 * objects marked with {@link shareJson} are rendered once and spliced as text. It walks into `value` and, below
 * it, into the keys `paths` names (plain objects that hold shared ones), keys in their own order; every other
 * value goes to `JSON.stringify` whole, which is faster than walking it here. Without `paths` it walks nothing.
 */
export function renderJson(value: unknown, paths?: JsonPaths): string {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    const pieces: string[] = [];
    appendJson(value, paths, pieces);
    // One join copies the pieces into one flat string. Concatenated, they would stay a tree that a sink's write
    // flattens into a second copy, while the batch keeps both alive and the garbage collector copies them.
    return pieces.join('');
}

/** Appends the pieces of `value`'s JSON text to `pieces`; see {@link renderJson}. */
function appendJson(value: unknown, paths: JsonPaths | undefined, pieces: string[]): void {
    if (value === null || typeof value !== 'object') {
        pieces.push(JSON.stringify(value));
        return;
    }
    const shared = rendered.get(value);
    if (shared !== undefined) {
        if (shared !== null) {
            pieces.push(shared);
            return;
        }
        const text = JSON.stringify(value);
        rendered.set(value, text);
        pieces.push(text);
        return;
    }
    if (paths === undefined || Array.isArray(value)) {
        pieces.push(JSON.stringify(value));
        return;
    }
    pieces.push('{');
    let first = true;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
        const item = record[key];
        // What JSON.stringify leaves out of an object.
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        pieces.push(first ? keyText(key) : `,${keyText(key)}`);
        first = false;
        appendJson(item, paths[key] as JsonPaths | undefined, pieces);
    }
    pieces.push('}');
}
