import { LineCounter } from './line-counter.js';
import { codePointAt, isNameStartChar, nameEnd } from './xml-names.js';
import { XmlLimitError } from './xml-limits.js';

/*
 * The reading of an {@link XmlTokenizer} that is not about elements and their content: the buffer a document is
 * read through chunk by chunk, line numbers, errors, and the markup around the elements (comments, processing
 * instructions, the XML declaration, DOCTYPE, and the refusal of any other declaration).
 */

/** XML that is not well-formed; `reason` is e.g. `Unexpected close tag`. */
export class XmlSyntaxError extends Error {
    constructor(readonly reason: string) {
        super(reason);
        this.name = 'XmlSyntaxError';
    }
}

/** What is being read: text and markup, a CDATA section, or a comment. */
export const TEXT = 0;
export const CDATA = 1;
export const COMMENT = 2;
type Mode = typeof TEXT | typeof CDATA | typeof COMMENT;

/** Character codes the scanner and the tokenizer compare against. */
export const GREATER = 0x3e;
export const SLASH = 0x2f;
export const QUOTE = 0x22;
export const APOSTROPHE = 0x27;
const BANG = 0x21;
const QUESTION = 0x3f;
const OPEN_BRACKET = 0x5b;
const DASH = 0x2d;

/** How far into a chunk a token cut short by the end of the last one is finished on its own. */
const MAX_BRIDGE_CHARS = 4096;

/** An XML declaration as XML 1.0 writes it (the version is not checked further: 1.1 reads as 1.0). */
const XML_DECLARATION =
    /^[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\3)?[ \t\r\n]*$/;

/** The buffer, positions, errors and the markup outside elements; {@link XmlTokenizer} reads the elements. */
export abstract class XmlScanner {
    /** What is being read: the rest of the last chunk after what was consumed, then the new one. */
    protected buffer = '';
    /** Where reading resumes in {@link buffer}. */
    protected resume = 0;
    /** Where the last token or error is, in {@link buffer}, for {@link position}. */
    protected at = 0;
    protected mode: Mode = TEXT;
    /** Whether the root element opened. */
    protected sawRoot = false;
    /** The next `&` and carriage return in the buffer at or after the last search; -1 before the first. */
    protected nextAmpersand = -1;
    protected nextCarriageReturn = -1;
    /** What markup token is held back unfinished at {@link resume}, if one is ('tag', 'declaration'...). */
    private heldMarkup: string | undefined;
    private started = false;
    private sawDoctype = false;
    /** The error that stopped the tokenizer: it reads nothing more. */
    private failure: unknown;
    /** Characters of the comment being read, so far. */
    private commentLength = 0;
    private readonly lines = new LineCounter();

    constructor(protected readonly maxMarkup: number) {}

    /**
     * Reads the next piece of the document; `newlines` is the number of line feeds in it, when the caller counted
     * them already. Throws an {@link XmlSyntaxError} or {@link XmlLimitError} where the document goes wrong, and
     * whatever a handler throws; after that it throws the same error again.
     */
    write(text: string, newlines = -1): void {
        if (this.failure !== undefined) throw this.failure;
        if (text === '') return;
        try {
            let rest = text;
            let restNewlines = newlines;
            const cut = this.resume < this.buffer.length ? text.indexOf('>') + 1 : 0;
            if (cut > 0 && cut <= MAX_BRIDGE_CHARS) {
                // A token cut short by the end of the last chunk is finished with the start of this one, up to its
                // first '>': then this chunk is read as it is, not copied behind the rest of the last one.
                this.take(text.slice(0, cut), -1);
                this.heldMarkup = undefined;
                this.scan();
                if (this.resume === this.buffer.length) {
                    this.adopt(text, cut, newlines);
                    this.scan();
                    return;
                }
                rest = text.slice(cut);
                restNewlines = -1;
            }
            this.take(rest, restNewlines);
            // A tag cut short cannot end before a '>': no need to read it again until one came.
            if (this.heldMarkup !== undefined && !rest.includes('>')) {
                if (this.buffer.length - this.resume > this.maxMarkup) throw this.tooLong(this.heldMarkup);
                this.at = this.buffer.length;
                return;
            }
            this.heldMarkup = undefined;
            this.scan();
        } catch (error) {
            this.failure = error;
            throw error;
        }
    }

    /** `line 83, column 29`: where the last token, or the error, is (a character a column). */
    position(): string {
        return this.lines.position(this.buffer, this.at);
    }

    /** Drops what was consumed from the buffer, counting its lines, and appends `text` (`newlines`: its line feeds). */
    protected take(text: string, newlines: number): void {
        const { buffer, resume } = this;
        this.lines.next(buffer, resume, newlines);
        // Joined rather than concatenated: reading a character of a cons string costs three times as much.
        this.buffer = resume === buffer.length ? text : [buffer.slice(resume), text].join('');
        this.resume = 0;
        this.at = 0;
        this.nextAmpersand = -1;
        this.nextCarriageReturn = -1;
    }

    /** Reads on in `text` from `from`, once the buffer, which ended with `text[0, from)`, was read whole. */
    protected adopt(text: string, from: number, newlines: number): void {
        this.lines.continueInto(this.buffer, from, newlines);
        this.buffer = text;
        this.resume = from;
        this.at = from;
        this.nextAmpersand = -1;
        this.nextCarriageReturn = -1;
    }

    protected scan(): void {
        const text = this.buffer;
        const length = text.length;
        let index = this.resume;
        if (!this.started) {
            this.started = true;
            // A byte order mark that survived decoding is not content.
            if (text.charCodeAt(0) === 0xfeff) index = 1;
        }
        while (index < length) {
            if (this.mode === TEXT) {
                index = this.readText(index);
                if (index >= length) break;
                index = this.readMarkup(index);
            } else if (this.mode === CDATA) {
                index = this.readCData(index);
            } else {
                index = this.readComment(index);
            }
            if (index === -1) {
                this.at = length;
                return;
            }
        }
        this.resume = length;
        this.at = length;
    }

    /** Reads the markup at `from` (a '<'); returns the index after it, or -1 when it waits for the next chunk. */
    protected readMarkup(from: number): number {
        const text = this.buffer;
        if (from + 1 >= text.length) return this.hold(from, undefined);
        const code = text.charCodeAt(from + 1);
        if (code === SLASH) return this.readCloseTag(from);
        if (code === BANG) return this.readBang(from);
        if (code === QUESTION) return this.readInstruction(from);
        return this.readOpenTag(from);
    }

    /** `<!`: a comment, a CDATA section or a DOCTYPE; any other declaration is refused. */
    protected readBang(from: number): number {
        const text = this.buffer;
        if (text.startsWith('<!--', from)) {
            this.mode = COMMENT;
            this.commentLength = 0;
            return this.readComment(from + 4);
        }
        if (text.startsWith('<![CDATA[', from)) return this.openCData(from);
        if (text.startsWith('<!DOCTYPE', from)) return this.readDoctype(from);
        const head = text.slice(from + 2, from + 9);
        if (from + 9 > text.length && ['--', '[CDATA[', 'DOCTYPE'].some(opener => opener.startsWith(head))) {
            return this.hold(from, undefined);
        }
        this.at = from + 2;
        throw new XmlLimitError('dtd', 'the document holds a markup declaration (such as <!ENTITY) outside any DTD');
    }

    /** A DOCTYPE may only name an external DTD, which is never loaded; one with an internal subset is refused. */
    protected readDoctype(from: number): number {
        const text = this.buffer;
        if (this.sawRoot || this.sawDoctype) this.fail('Inappropriately located doctype declaration', from + 9);
        let quote = 0;
        for (let index = from + 9; index < text.length; index += 1) {
            const code = text.charCodeAt(index);
            if (quote !== 0) {
                if (code === quote) quote = 0;
            } else if (code === QUOTE || code === APOSTROPHE) {
                quote = code;
            } else if (code === GREATER) {
                if (index - from > this.maxMarkup) throw this.tooLong('declaration');
                this.sawDoctype = true;
                return index + 1;
            } else if (code === OPEN_BRACKET) {
                this.at = index;
                throw new XmlLimitError(
                    'dtd',
                    'the document declares its own DTD (a DOCTYPE with an internal subset, where entities are declared)'
                );
            }
        }
        return this.hold(from, 'declaration');
    }

    /** `<?target ...?>`; the XML declaration is checked, wherever it stands. */
    protected readInstruction(from: number): number {
        const text = this.buffer;
        const length = text.length;
        const start = from + 2;
        if (start >= length) return this.hold(from, 'processing instruction');
        const first = codePointAt(text, start);
        if (!isNameStartChar(first)) {
            if (start + 1 === length && isHighSurrogate(first)) return this.hold(from, 'processing instruction');
            const noTarget = first === QUESTION || isWhite(first);
            this.fail(
                noTarget
                    ? 'Processing instruction without a target'
                    : 'Disallowed character in processing instruction name',
                start + 1
            );
        }
        const end = nameEnd(text, start + (first > 0xffff ? 2 : 1));
        if (end >= length) return this.hold(from, 'processing instruction');
        const after = text.charCodeAt(end);
        if (after !== QUESTION && !isWhite(after))
            this.fail('Disallowed character in processing instruction name', end + 1);
        const close = text.indexOf('?>', end);
        if (close === -1) return this.hold(from, 'processing instruction');
        if (close - from > this.maxMarkup) throw this.tooLong('processing instruction');
        if (end - start === 3 && text.startsWith('xml', start)) {
            const declaration = text.slice(end, close);
            if (!XML_DECLARATION.test(declaration)) {
                const reason = declaration.includes('version')
                    ? 'Malformed XML declaration'
                    : 'XML declaration must contain a version';
                this.fail(reason, close + 2);
            }
        }
        return close + 2;
    }

    /** Reads a comment's body from `from` to its `-->`; a comment is never reported, so nothing is kept. */
    protected readComment(from: number): number {
        const text = this.buffer;
        const length = text.length;
        for (let search = from; ;) {
            const dashes = text.indexOf('--', search);
            if (dashes === -1 || dashes + 2 >= length) {
                // A '-' or '--' at the end may start the end of the comment: it is read again with the next chunk.
                const keep =
                    dashes !== -1 ? dashes : text.charCodeAt(length - 1) === DASH ? Math.max(length - 1, from) : length;
                this.commentLength += keep - from;
                this.resume = keep;
                return -1;
            }
            if (text.charCodeAt(dashes + 2) === GREATER) {
                this.mode = TEXT;
                return dashes + 3;
            }
            // '--' inside a comment is not XML. Past the markup bound a comment was always read without a look.
            if (this.commentLength + dashes - from + 6 <= this.maxMarkup) this.fail('Malformed comment', dashes + 3);
            search = dashes + 1;
        }
    }

    /** Keeps the markup token at `from` for the next chunk (failing when it is already too long); returns -1. */
    protected hold(from: number, markup: string | undefined): number {
        this.resume = from;
        this.heldMarkup = markup;
        if (markup !== undefined && this.buffer.length - from > this.maxMarkup) throw this.tooLong(markup);
        return -1;
    }

    protected tooLong(what: string): XmlLimitError {
        return new XmlLimitError('markup', `a ${what} longer than ${this.maxMarkup} characters`);
    }

    protected fail(reason: string, at: number): never {
        this.at = at;
        throw new XmlSyntaxError(reason);
    }

    /** Reads text up to the next '<' (or the end of the buffer); returns where it stopped. */
    protected abstract readText(from: number): number;

    /** Reads the open tag at `from`; returns the index after it, or -1 when it waits for the next chunk. */
    protected abstract readOpenTag(from: number): number;

    /** Reads the close tag at `from`; returns the index after it, or -1 when it waits for the next chunk. */
    protected abstract readCloseTag(from: number): number;

    /** Starts the CDATA section at `from` (its `<![CDATA[`); returns where reading goes on, or -1. */
    protected abstract openCData(from: number): number;

    /** Reads a CDATA section's content from `from`; returns the index after its end, or -1 to wait. */
    protected abstract readCData(from: number): number;
}

export function isHighSurrogate(code: number): boolean {
    return code >= 0xd800 && code <= 0xdbff;
}

export function isWhite(code: number): boolean {
    return code === 0x20 || code === 0xa || code === 0x9 || code === 0xd;
}

/** The first index at or after `from` that is not XML white space (the length of `text` if none). */
export function skipWhite(text: string, from: number): number {
    let index = from;
    while (index < text.length && isWhite(text.charCodeAt(index))) index += 1;
    return index;
}
