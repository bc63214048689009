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

/** `"key":` and `,"key":` per key, so the few keys a finding has are escaped, and joined to a comma, once. */
const keyTexts = new Map<string, readonly [first: string, next: string]>();

function keyText(key: string, first: boolean): string {
    let texts = keyTexts.get(key);
    if (texts === undefined) {
        const text = `${JSON.stringify(key)}:`;
        texts = [text, `,${text}`];
        if (keyTexts.size < 1000) keyTexts.set(key, texts);
    }
    return first ? texts[0] : texts[1];
}

/**
 * The pieces of the text being rendered. One array serves every render (a render runs to its end before the next
 * starts): a new array per finding, grown piece by piece, allocated a quarter as much again as the findings' text.
 */
const pieces: string[] = [];
let pieceCount = 0;

/**
 * Exactly `JSON.stringify(value)` for plain data (objects, arrays, strings, finite numbers, booleans, null), but
 * objects marked with {@link shareJson} are rendered once and spliced as text. It walks into `value` and, below
 * it, into the keys `paths` names (plain objects that hold shared ones), keys in their own order; every other
 * value goes to `JSON.stringify` whole, which is faster than walking it here. Without `paths` it walks nothing.
 */
export function renderJson(value: unknown, paths?: JsonPaths): string {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    pieceCount = 0;
    appendJson(value, paths);
    // The array is reused and may still hold pieces of a longer text rendered before: cut it to this one's.
    pieces.length = pieceCount;
    // One join copies the pieces into one flat string. Concatenated, they would stay a tree that a sink's write
    // flattens into a second copy, while the batch keeps both alive and the garbage collector copies them.
    return pieces.join('');
}

/** Appends the pieces of `value`'s JSON text to {@link pieces}; see {@link renderJson}. */
function appendJson(value: unknown, paths: JsonPaths | undefined): void {
    if (value === null || typeof value !== 'object') {
        pieces[pieceCount++] = JSON.stringify(value);
        return;
    }
    const shared = rendered.get(value);
    if (shared !== undefined) {
        if (shared !== null) {
            pieces[pieceCount++] = shared;
            return;
        }
        const text = JSON.stringify(value);
        rendered.set(value, text);
        pieces[pieceCount++] = text;
        return;
    }
    if (paths === undefined || Array.isArray(value)) {
        pieces[pieceCount++] = JSON.stringify(value);
        return;
    }
    pieces[pieceCount++] = '{';
    let first = true;
    const record = value as Record<string, unknown>;
    // for-in with an own-key check visits what Object.keys lists, in the same order, without an array per object.
    for (const key in record) {
        if (!Object.hasOwn(record, key)) continue;
        const item = record[key];
        // What JSON.stringify leaves out of an object.
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        pieces[pieceCount++] = keyText(key, first);
        first = false;
        appendJson(item, paths[key] as JsonPaths | undefined);
    }
    pieces[pieceCount++] = '}';
}
