import { NAMED_ENTITIES } from './html-entities.js';
import { isNonAsciiBmpNameStart } from './xml-names.js';

/*
 * Entity and character references in text and attribute values, read leniently. Qualys text is not always strict
 * XML: `AT&T` with a bare ampersand, `&nbsp;` and other HTML entities, `&AMP;`, unknown `&foo;`, `&#1;` for a
 * control character. They are read the way sax (under xml2js, the other parsers here) reads them: unknown or
 * malformed references stay literal text, HTML names resolve (also written in capitals), character references in
 * any case and with leading zeros resolve, references to forbidden characters go. No entity is ever declared, so
 * nothing else can expand.
 */

const SEMICOLON = 0x3b;
const AMPERSAND = 0x26;
const DECIMAL = /^[0-9]+$/;
const HEXADECIMAL = /^[0-9a-fA-F]+$/;

/** The characters sax accepts to start an entity name (its `entityStart`); an astral character ends a name. */
function isEntityNameStart(code: number): boolean {
    if (code < 0x80) {
        return (
            (code >= 0x61 && code <= 0x7a) ||
            (code >= 0x41 && code <= 0x5a) ||
            code === 0x3a ||
            code === 0x5f ||
            code === 0x23
        );
    }
    return isNonAsciiBmpNameStart(code);
}

/** The characters sax accepts in the rest of an entity name (its `entityBody`). */
function isEntityNameChar(code: number): boolean {
    if (isEntityNameStart(code)) return true;
    return (
        (code >= 0x30 && code <= 0x39) ||
        code === 0x2e ||
        code === 0x2d ||
        code === 0xb7 ||
        (code >= 0x300 && code <= 0x36f) ||
        code === 0x203f ||
        code === 0x2040
    );
}

function unchanged(text: string): string {
    return text;
}

/** The XML 1.0 `Char` production. */
function isXmlChar(code: number): boolean {
    if (code < 0x20) return code === 0x9 || code === 0xa || code === 0xd;
    return code <= 0xd7ff || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** What `&name;` stands for: the text, '' for a reference to a control character, undefined to keep it literal. */
function referenceValue(name: string): string | undefined {
    const named = NAMED_ENTITIES[name];
    if (named !== undefined) return named;
    if (name.charCodeAt(0) === 0x23) {
        const hex = name.charCodeAt(1) === 0x78 || name.charCodeAt(1) === 0x58;
        const digits = name.slice(hex ? 2 : 1);
        if (!(hex ? HEXADECIMAL : DECIMAL).test(digits)) return undefined;
        const code = parseInt(digits, hex ? 16 : 10);
        if (isXmlChar(code)) return String.fromCodePoint(code);
        // A reference to a control character goes, like the character itself; any other stays as text.
        return code < 0x20 ? '' : undefined;
    }
    return NAMED_ENTITIES[name.toLowerCase()];
}

/**
 * `text` with its references resolved (see the comment at the top of this file); `literal` rewrites the text
 * between them (attribute values normalise their white space). `from` is the first `&`, when the caller knows it.
 */
export function decodeReferences(
    text: string,
    literal: (part: string) => string = unchanged,
    from = text.indexOf('&')
): string {
    let output = '';
    let copied = 0;
    for (let ampersand = from; ampersand !== -1;) {
        let end = ampersand + 1;
        if (end < text.length && isEntityNameStart(text.charCodeAt(end))) {
            end += 1;
            while (end < text.length && isEntityNameChar(text.charCodeAt(end))) end += 1;
        }
        const after = text.charCodeAt(end);
        let next = ampersand + 1;
        if (after === SEMICOLON) {
            const value = referenceValue(text.slice(ampersand + 1, end));
            next = end + 1;
            if (value !== undefined) {
                output += literal(text.slice(copied, ampersand)) + value;
                copied = next;
            }
        } else if (after === AMPERSAND) {
            // sax keeps the character that ended a bare reference as text, even an ampersand: `R&D&amp;` stays.
            next = end + 1;
        }
        ampersand = text.indexOf('&', next);
    }
    if (copied === 0) return literal(text);
    return output + literal(text.slice(copied));
}

const ATTRIBUTE_SPECIALS = /[&<\t\n\r]/;
const ATTRIBUTE_WHITE_SPACE = /\r\n|[\t\n\r]/g;

/** An attribute value's white space as XML normalises it (each line end or tab a space); a stray `<` is dropped. */
function normalizeAttributeText(text: string): string {
    const normalized = text.replace(ATTRIBUTE_WHITE_SPACE, ' ');
    return normalized.includes('<') ? normalized.replaceAll('<', '') : normalized;
}

/** The value of a quoted attribute as written between its quotes. */
export function attributeValue(raw: string): string {
    if (!ATTRIBUTE_SPECIALS.test(raw)) return raw;
    return raw.includes('&') ? decodeReferences(raw, normalizeAttributeText) : normalizeAttributeText(raw);
}

/**
 * Text content as written between two pieces of markup: references resolved, carriage returns kept (scanner output
 * keeps its own line ends) except in white space right after a tag (`blankBefore`, up to the first other
 * character), where XML's line-end normalisation applies as it always did (that white space may lie outside the
 * root element, and values are trimmed).
 */
export function textValue(raw: string, blankBefore: boolean): string {
    let text = raw;
    if (blankBefore) {
        const carriageReturn = raw.indexOf('\r');
        if (carriageReturn !== -1) {
            const content = firstNonBlank(raw);
            if (content > carriageReturn) text = raw.slice(0, content).replace(/\r\n?/g, '\n') + raw.slice(content);
        }
    }
    const ampersand = text.indexOf('&');
    return ampersand === -1 ? text : decodeReferences(text, undefined, ampersand);
}

/** The index of the first character of `text` at or after `from` that is not XML white space; its length if none. */
export function firstNonBlank(text: string, from = 0): number {
    for (let index = from; index < text.length; index += 1) {
        const code = text.charCodeAt(index);
        if (code !== 0x20 && code !== 0xa && code !== 0x9 && code !== 0xd) return index;
    }
    return text.length;
}
