import { detachedString } from './detached-string.js';

/*
 * XML 1.0 (fifth edition) names, and a table that hands out each distinct element or attribute name as one string:
 * a host detection page repeats a few dozen names millions of times, and slicing each occurrence out of the input
 * would allocate a string per tag.
 */

/** 1 for the ASCII characters that may start a name, 2 for those that may only continue one. */
const ASCII_NAME = new Uint8Array(128);
for (let code = 0; code < 128; code += 1) {
    const char = String.fromCharCode(code);
    if (/[A-Za-z_:]/.test(char)) ASCII_NAME[code] = 1;
    else if (/[0-9.-]/.test(char)) ASCII_NAME[code] = 2;
}

/** The XML `NameStartChar` production for a code point (astral ones included). */
export function isNameStartChar(code: number): boolean {
    if (code < 128) return ASCII_NAME[code] === 1;
    return isNonAsciiBmpNameStart(code) || (code >= 0x10000 && code <= 0xeffff);
}

/** The `NameStartChar` ranges above ASCII within the Basic Multilingual Plane (entity names stop at astral ones). */
export function isNonAsciiBmpNameStart(code: number): boolean {
    return (
        (code >= 0xc0 && code <= 0xd6) ||
        (code >= 0xd8 && code <= 0xf6) ||
        (code >= 0xf8 && code <= 0x2ff) ||
        (code >= 0x370 && code <= 0x37d) ||
        (code >= 0x37f && code <= 0x1fff) ||
        code === 0x200c ||
        code === 0x200d ||
        (code >= 0x2070 && code <= 0x218f) ||
        (code >= 0x2c00 && code <= 0x2fef) ||
        (code >= 0x3001 && code <= 0xd7ff) ||
        (code >= 0xf900 && code <= 0xfdcf) ||
        (code >= 0xfdf0 && code <= 0xfffd)
    );
}

/** The XML `NameChar` production for a code point. */
export function isNameChar(code: number): boolean {
    if (code < 128) return ASCII_NAME[code] !== 0;
    return (
        isNameStartChar(code) || code === 0xb7 || (code >= 0x300 && code <= 0x36f) || code === 0x203f || code === 0x2040
    );
}

/** The code point at `index` of `text`, reading a surrogate pair as one. */
export function codePointAt(text: string, index: number): number {
    const code = text.charCodeAt(index);
    if (code < 0xd800 || code > 0xdbff) return code;
    const low = text.charCodeAt(index + 1);
    return low >= 0xdc00 && low <= 0xdfff ? 0x10000 + (code - 0xd800) * 0x400 + (low - 0xdc00) : code;
}

/**
 * Where the name that starts at `from` ends: the first index that is not a name character (the end of `text` when
 * the name may go on in the next chunk). The first character is not checked: the caller has.
 */
export function nameEnd(text: string, from: number): number {
    const length = text.length;
    let index = from;
    while (index < length) {
        const code = text.charCodeAt(index);
        if (code < 128) {
            if (ASCII_NAME[code] === 0) return index;
            index += 1;
        } else {
            // Half a surrogate pair at the end: the name may go on in the next chunk.
            if (code >= 0xd800 && code <= 0xdbff && index + 1 === length) return length;
            const point = codePointAt(text, index);
            if (!isNameChar(point)) return index;
            index += point > 0xffff ? 2 : 1;
        }
    }
    return length;
}

/**
 * True when the name at `at` in `text` is `name`: the same characters, followed by one that ends a name (a
 * non-ASCII one is left to the full reading). The quick way to read an expected name.
 */
export function isNameAt(text: string, at: number, name: string): boolean {
    const end = at + name.length;
    // startsWith is a builtin that compares faster than a loop of charCodeAt.
    if (end >= text.length || !text.startsWith(name, at)) return false;
    const after = text.charCodeAt(end);
    return after < 128 && ASCII_NAME[after] === 0;
}

/** Slots of a {@link NameTable}: a power of two, twice the names it keeps. */
const SLOTS = 2048;
const MAX_NAMES = SLOTS / 2;

/** A name as the {@link NameTable} keeps it, with what the reader learnt about it. */
export interface KeptName {
    readonly name: string;
    /** The element opened after this one last time (Qualys records repeat one sequence of elements). */
    next: KeptName | undefined;
    /** The element opened after this one the time before, when it was another one. */
    other: KeptName | undefined;
    /** The name of the attribute this element had last time. */
    attribute: string | undefined;
}

const NO_NAME: KeptName = { name: '', next: undefined, other: undefined, attribute: undefined };

/**
 * Hands out one {@link KeptName} per distinct name: a name read again is compared in place and the kept one
 * returned. Past {@link MAX_NAMES} distinct names (not a Qualys document) new names are sliced each time and
 * forgotten, so the table stays small whatever the input.
 */
export class NameTable {
    private readonly names: KeptName[] = new Array<KeptName>(SLOTS).fill(NO_NAME);
    private count = 0;
    /** Where the name {@link read} last read ends. */
    end = 0;

    /**
     * Reads the name at `from` (its first character checked by the caller); undefined when it reaches the end of
     * `text` (it may go on in the next chunk). Sets {@link end}.
     */
    read(text: string, from: number): KeptName | undefined {
        const length = text.length;
        let hash = 0;
        let index = from;
        // ASCII names, hashed as they are read; anything else the general way.
        for (; index < length; index += 1) {
            const code = text.charCodeAt(index);
            if (code >= 128 || ASCII_NAME[code] === 0) break;
            hash = (Math.imul(hash, 31) + code) | 0;
        }
        if (index < length && text.charCodeAt(index) >= 128) {
            index = nameEnd(text, from);
            hash = 0;
            for (let at = from; at < index; at += 1) hash = (Math.imul(hash, 31) + text.charCodeAt(at)) | 0;
        }
        if (index >= length) return undefined;
        this.end = index;
        return this.lookup(text, from, index, hash);
    }

    private lookup(text: string, from: number, to: number, hash: number): KeptName {
        const length = to - from;
        let slot = (hash ^ Math.imul(length, 0x9e3779b1)) & (SLOTS - 1);
        for (let kept = this.names[slot]; kept !== NO_NAME; kept = this.names[slot]) {
            if (kept.name.length === length && text.startsWith(kept.name, from)) return kept;
            slot = (slot + 1) & (SLOTS - 1);
        }
        const name = text.slice(from, to);
        if (this.count >= MAX_NAMES) {
            return { name: detachedString(name), next: undefined, other: undefined, attribute: undefined };
        }
        // A flat copy of its own: a slice would keep the whole chunk, and a kept name is compared on every tag, so its
        // characters are better read directly than through the view detachedString makes.
        const kept: KeptName = {
            name: name.split('').join(''),
            next: undefined,
            other: undefined,
            attribute: undefined
        };
        this.names[slot] = kept;
        this.count += 1;
        return kept;
    }
}
