import { HOST_DETECTION_LIMITS, type XmlLimits } from './xml-limits.js';
import { XmlTokenizer } from './xml-tokenizer.js';

/** Test support for the tokenizer specs (named `*.spec.*` so it is left out of the published package). */

/** Bounds under which a text or CDATA run keeps 10 characters and markup may be 40 long. */
export const TINY_LIMITS: XmlLimits = {
    ...HOST_DETECTION_LIMITS,
    maxValueChars: 9,
    maxCutValueChars: 9,
    maxMarkupChars: 40
};

/** What a tokenizer reported, one string per event, and the error that stopped it. */
export interface Tokens {
    events: string[];
    error?: Error;
    /** The tokenizer's position when it stopped (or finished). */
    position: string;
}

/**
 * Tokenizes `xml` written in pieces of `size` characters: `<NAME a="v">` for an open tag (attributes as JSON when
 * there are any), `</>` for a close, the text as read (`text(16)` when cut from 16 characters).
 */
export function tokenize(xml: string, size = xml.length, limits: XmlLimits = HOST_DETECTION_LIMITS): Tokens {
    const events: string[] = [];
    const tokenizer = new XmlTokenizer(
        {
            root(name) {
                events.push(`root ${name}`);
            },
            openTag(name, attributes) {
                events.push(attributes === undefined ? `<${name}>` : `<${name} ${JSON.stringify(attributes)}>`);
            },
            closeTag() {
                events.push('</>');
            },
            text(value, cutFrom) {
                // Adjacent pieces belong together: join them, as the tree builder does.
                const last = events.length - 1;
                const piece = cutFrom === undefined ? value : `${value}(${cutFrom})`;
                if (last >= 0 && events[last].startsWith('"')) events[last] = `${events[last].slice(0, -1)}${piece}"`;
                else events.push(`"${piece}"`);
            }
        },
        limits
    );
    try {
        for (let offset = 0; offset < xml.length; offset += size) tokenizer.write(xml.slice(offset, offset + size));
    } catch (error) {
        return { events, error: error as Error, position: tokenizer.position() };
    }
    return { events, position: tokenizer.position() };
}

/** The text and CDATA read inside the root element, joined. */
export function textOf(xml: string, size = xml.length): string {
    const { events, error } = tokenize(xml, size);
    if (error !== undefined) throw error;
    return events
        .filter(event => event.startsWith('"'))
        .map(event => event.slice(1, -1))
        .join('');
}
