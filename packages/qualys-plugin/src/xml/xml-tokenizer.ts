import { LineCounter } from './line-counter.js';
import { codePointAt, isNameAt, isNameStartChar, type KeptName, NameTable, nameEnd } from './xml-names.js';
import { attributeValue, firstNonBlank, textValue } from './xml-references.js';
import { maxRunChars, RECORD_LIST_LIMITS, XmlLimitError, type XmlLimits } from './xml-limits.js';

/*
 * A strict, streaming, namespace-unaware XML tokenizer for Qualys responses, in one pass over decoded text. It reads
 * what a conforming parser reads, with the leniency the readers of the same API (sax under xml2js) have always had:
 * references are read as `xml-references.ts` says, a non-character, `]]>` in text, white space before `<?xml`, a
 * repeated attribute (the last one counts) and a `<` inside an attribute value (dropped) are tolerated. Anything
 * else that is not well-formed stops it with an {@link XmlSyntaxError}, worded like the errors of saxes.
 *
 * It never loads a DTD and refuses one of the document's own (an internal subset, or `<!ENTITY`-style markup):
 * no entity can be declared, so none can expand or fetch anything. Every token is bounded by the {@link XmlLimits}
 * (an {@link XmlLimitError} otherwise): a text or CDATA run keeps its first `maxRunChars` characters and says how
 * long it was, a comment of any length is read, a tag, processing instruction or DOCTYPE past `maxMarkupChars` fails.
 *
 * The input is scanned with `indexOf` and `charCodeAt`; a value is sliced out only when it is handed out, and only
 * while {@link XmlTokenizer.collectText} is set, so skipped content costs no allocation. Names are interned. A chunk
 * may end anywhere: a token cut short is read again, whole, once the next chunk arrives (tags are bounded), and a
 * text run, CDATA section or comment carries on from where it stopped.
 */

/** Characters written to the tokenizer at a time: bounds how many records one write can complete. */
export const MAX_WRITE_CHARS = 64 * 1024;

/** XML that is not well-formed; `reason` is e.g. `Unexpected close tag`. */
export class XmlSyntaxError extends Error {
    constructor(readonly reason: string) {
        super(reason);
        this.name = 'XmlSyntaxError';
    }
}

/** What an {@link XmlTokenizer} reports, in document order. A handler may throw to stop it. */
export interface XmlTokenHandler {
    /** The root element's name, as soon as it is read: before its attributes, so an HTML page fails on its root. */
    root(name: string): void;
    /** An element opened. `attributes` is undefined when it has none, else a fresh object the handler may keep. */
    openTag(name: string, attributes: Record<string, string> | undefined): void;
    /** The innermost open element closed; its close tag matched (a mismatch is an error, never a close). */
    closeTag(): void;
    /**
     * Text or a CDATA section inside the root element, while {@link XmlTokenizer.collectText} is set; adjacent
     * pieces belong together. `cutFrom` is set when the run was longer than the limits allow: its length as sent.
     */
    text(value: string, cutFrom: number | undefined): void;
}

const TEXT = 0;
const CDATA = 1;
const COMMENT = 2;
type Mode = typeof TEXT | typeof CDATA | typeof COMMENT;

const GREATER = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const DASH = 0x2d;

/** How far into a chunk a token cut short by the end of the last one is finished on its own. */
const MAX_BRIDGE_CHARS = 4096;

/** White space texts shorter than this are kept for reuse. */
const BLANK_TEXTS = 64;

/** An XML declaration as XML 1.0 writes it (the version is not checked further: 1.1 reads as 1.0). */
const XML_DECLARATION =
    /^[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\3)?[ \t\r\n]*$/;

/** Reads a document chunk by chunk and reports it to its {@link XmlTokenHandler}; see the comment at the top. */
export class XmlTokenizer {
    /** Whether text and CDATA are reported (and so sliced out at all); the handler switches it as it walks. */
    collectText = true;
    private readonly maxRun: number;
    private readonly maxMarkup: number;
    private readonly names = new NameTable();
    /** The last white space text of each length below {@link BLANK_TEXTS}. */
    private readonly blankTexts: (string | undefined)[] = new Array<string | undefined>(BLANK_TEXTS).fill(undefined);
    /** The element opened last; see {@link KeptName.next}. */
    private lastOpened: KeptName = { name: '', next: undefined, other: undefined, attribute: undefined };
    /** Names of the open elements. */
    private readonly open: string[] = [];
    /** What is being read: the rest of the last chunk after what was consumed, then the new one. */
    private buffer = '';
    /** Where reading resumes in {@link buffer}. */
    private resume = 0;
    /** Where the last token or error is, in {@link buffer}, for {@link position}. */
    private at = 0;
    private mode: Mode = TEXT;
    /** What markup token is held back unfinished at {@link resume}, if one is ('tag', 'declaration'...). */
    private heldMarkup: string | undefined;
    private started = false;
    private sawRoot = false;
    private closedRoot = false;
    private sawDoctype = false;
    /** The error that stopped the tokenizer: it reads nothing more. */
    private failure: unknown;
    /** The kept start of a text or CDATA run read across chunks, and the run's length so far. */
    private runText = '';
    private runLength = 0;
    /** Whether the text since the last tag is all white space (its carriage returns are line ends, not content). */
    private blank = true;
    /** Characters of the comment being read, so far. */
    private commentLength = 0;
    /** The next `&` and carriage return in the buffer at or after the last search; -1 before the first. */
    private nextAmpersand = -1;
    private nextCarriageReturn = -1;
    private readonly lines = new LineCounter();

    constructor(
        private readonly handler: XmlTokenHandler,
        limits: XmlLimits = RECORD_LIST_LIMITS
    ) {
        this.maxRun = maxRunChars(limits);
        this.maxMarkup = limits.maxMarkupChars;
    }

    /** Elements open now. */
    get depth(): number {
        return this.open.length;
    }

    /** Whether the root element has closed. */
    get rootClosed(): boolean {
        return this.closedRoot;
    }

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

    /** `line 83, column 29`: where the last token, or the error, is (as counted by saxes: a character a column). */
    position(): string {
        return this.lines.position(this.buffer, this.at);
    }

    /** Drops what was consumed from the buffer, counting its lines, and appends `text` (`newlines`: its line feeds). */
    private take(text: string, newlines: number): void {
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
    private adopt(text: string, from: number, newlines: number): void {
        this.lines.continueInto(this.buffer, from, newlines);
        this.buffer = text;
        this.resume = from;
        this.at = from;
        this.nextAmpersand = -1;
        this.nextCarriageReturn = -1;
    }

    private scan(): void {
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

    /** Reads text up to the next '<' (or the end of the buffer); returns where it stopped. */
    private readText(from: number): number {
        const text = this.buffer;
        const less = text.indexOf('<', from);
        const end = less === -1 ? text.length : less;
        if (this.open.length === 0) {
            if (end > from && firstNonBlank(text, from) < end) this.fail('Text data outside of root node', end);
        } else if (this.collectText) {
            if (less === -1) this.runPiece(from, end);
            else this.runEnd(from, end, false, end + 1);
        }
        return end;
    }

    /** Reads the markup at `from` (a '<'); returns the index after it, or -1 when it waits for the next chunk. */
    private readMarkup(from: number): number {
        const text = this.buffer;
        if (from + 1 >= text.length) return this.hold(from, undefined);
        const code = text.charCodeAt(from + 1);
        if (code === SLASH) return this.readCloseTag(from);
        if (code === BANG) return this.readBang(from);
        if (code === QUESTION) return this.readInstruction(from);
        return this.readOpenTag(from);
    }

    private readOpenTag(from: number): number {
        const text = this.buffer;
        const length = text.length;
        // Qualys records repeat one sequence of elements: the name that followed the last one last time comes first.
        const last = this.lastOpened;
        let kept = last.next;
        let end: number;
        if (kept !== undefined && isNameAt(text, from + 1, kept.name)) {
            end = from + 1 + kept.name.length;
        } else if (last.other !== undefined && isNameAt(text, from + 1, last.other.name)) {
            // The other one of the last two (an optional element was there, or not).
            kept = last.other;
            last.other = last.next;
            last.next = kept;
            end = from + 1 + kept.name.length;
        } else {
            const first = codePointAt(text, from + 1);
            if (!isNameStartChar(first)) {
                if (from + 2 === length && isHighSurrogate(first)) return this.hold(from, 'tag');
                this.fail('Disallowed character in tag name', from + 2);
            }
            kept = this.names.read(text, from + 1);
            if (kept === undefined) return this.hold(from, 'tag');
            end = this.names.end;
            last.other = last.next;
            last.next = kept;
        }
        this.lastOpened = kept;
        const name = kept.name;
        if (!this.sawRoot) {
            this.sawRoot = true;
            this.at = end;
            this.handler.root(name);
        }
        if (this.closedRoot) this.fail('Documents may contain only one root', end + 1);
        let attributes: Record<string, string> | undefined;
        let index = end;
        let code = text.charCodeAt(index);
        if (code !== GREATER && code !== SLASH) {
            if (!isWhite(code)) this.fail('Disallowed character in tag name', index + 1);
            for (;;) {
                index = skipWhite(text, index);
                if (index >= length) return this.hold(from, 'tag');
                code = text.charCodeAt(index);
                if (code === GREATER || code === SLASH) break;
                const next = this.readAttribute(index, (attributes ??= {}), kept);
                if (next === -1) return this.hold(from, 'tag');
                index = next;
                if (index >= length) return this.hold(from, 'tag');
                code = text.charCodeAt(index);
                if (code === GREATER || code === SLASH) break;
                if (!isWhite(code)) {
                    const nameStart = isNameStartChar(codePointAt(text, index));
                    this.fail(nameStart ? 'No whitespace between attributes' : 'Disallowed character in attribute name', index + 1);
                }
            }
        }
        let selfClosing = false;
        if (code === SLASH) {
            if (index + 1 >= length) return this.hold(from, 'tag');
            if (text.charCodeAt(index + 1) !== GREATER) this.fail('Forward-slash in opening tag not followed by >', index + 2);
            selfClosing = true;
            index += 1;
        }
        if (index - from > this.maxMarkup) throw this.tooLong('tag');
        this.at = index + 1;
        this.open.push(name);
        this.blank = true;
        this.handler.openTag(name, attributes);
        if (selfClosing) this.closeElement();
        return index + 1;
    }

    /** Reads `name="value"` at `from` into `attributes`; returns the index after it, -1 when it is cut short. */
    private readAttribute(from: number, attributes: Record<string, string>, element: KeptName): number {
        const text = this.buffer;
        const length = text.length;
        // The attribute this element had last time comes first.
        let name = element.attribute;
        let index: number;
        if (name !== undefined && isNameAt(text, from, name)) {
            index = from + name.length;
        } else {
            const first = codePointAt(text, from);
            if (!isNameStartChar(first)) {
                if (from + 1 === length && isHighSurrogate(first)) return -1;
                this.fail('Disallowed character in attribute name', from + 1);
            }
            name = this.names.read(text, from)?.name;
            if (name === undefined) return -1;
            index = this.names.end;
            element.attribute = name;
        }
        if (text.charCodeAt(index) !== EQUALS) {
            const code = text.charCodeAt(index);
            if (code === GREATER) this.fail('Attribute without value', index + 1);
            if (!isWhite(code)) this.fail('Disallowed character in attribute name', index + 1);
            index = skipWhite(text, index);
            if (index >= length) return -1;
            if (text.charCodeAt(index) !== EQUALS) this.fail('Attribute without value', index + 1);
        }
        index = skipWhite(text, index + 1);
        if (index >= length) return -1;
        const quote = text.charCodeAt(index);
        if (quote !== QUOTE && quote !== APOSTROPHE) this.fail('Unquoted attribute value', index + 1);
        const close = text.indexOf(quote === QUOTE ? '"' : "'", index + 1);
        if (close === -1) return -1;
        // A repeated attribute is tolerated, the last one counts.
        const value = attributeValue(text.slice(index + 1, close));
        // A plain object stays small and fast (one without a prototype would not); `__proto__` is defined as data.
        if (name !== '__proto__') attributes[name] = value;
        else Object.defineProperty(attributes, name, { value, enumerable: true, writable: true, configurable: true });
        return close + 1;
    }

    private readCloseTag(from: number): number {
        const text = this.buffer;
        const length = text.length;
        const start = from + 2;
        const expected = this.open[this.open.length - 1];
        // Almost always the name is the expected one: compare it in place rather than read a name first.
        const end = expected !== undefined && isNameAt(text, start, expected) ? start + expected.length : nameEnd(text, start);
        if (end >= length) return this.hold(from, 'tag');
        let index = end;
        if (text.charCodeAt(index) !== GREATER) {
            if (!isWhite(text.charCodeAt(index))) this.fail('Disallowed character in closing tag', index + 1);
            index = skipWhite(text, index);
            if (index >= length) return this.hold(from, 'tag');
            if (text.charCodeAt(index) !== GREATER) this.fail('Disallowed character in closing tag', index + 1);
        }
        if (index - from > this.maxMarkup) throw this.tooLong('tag');
        if (end === start) this.fail('Weird empty close tag', index + 1);
        if (expected === undefined) this.fail(`Unmatched closing tag: ${text.slice(start, end)}`, index + 1);
        if (end - start !== expected.length || !isNameAt(text, start, expected)) {
            this.fail('Unexpected close tag', index + 1);
        }
        this.at = index + 1;
        this.closeElement();
        return index + 1;
    }

    private closeElement(): void {
        this.open.pop();
        if (this.open.length === 0) this.closedRoot = true;
        this.blank = true;
        this.handler.closeTag();
    }

    /** `<!`: a comment, a CDATA section or a DOCTYPE; any other declaration is refused. */
    private readBang(from: number): number {
        const text = this.buffer;
        if (text.startsWith('<!--', from)) {
            this.mode = COMMENT;
            this.commentLength = 0;
            return this.readComment(from + 4);
        }
        if (text.startsWith('<![CDATA[', from)) {
            if (this.open.length === 0) this.fail('Text data outside of root node', from + 9);
            this.mode = CDATA;
            return this.readCData(from + 9);
        }
        if (text.startsWith('<!DOCTYPE', from)) return this.readDoctype(from);
        const head = text.slice(from + 2, from + 9);
        if (from + 9 > text.length && ['--', '[CDATA[', 'DOCTYPE'].some(opener => opener.startsWith(head))) {
            return this.hold(from, undefined);
        }
        this.at = from + 2;
        throw new XmlLimitError('dtd', 'the document holds a markup declaration (such as <!ENTITY) outside any DTD');
    }

    /** A DOCTYPE may only name an external DTD, which is never loaded; one with an internal subset is refused. */
    private readDoctype(from: number): number {
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
    private readInstruction(from: number): number {
        const text = this.buffer;
        const length = text.length;
        const start = from + 2;
        if (start >= length) return this.hold(from, 'processing instruction');
        const first = codePointAt(text, start);
        if (!isNameStartChar(first)) {
            if (start + 1 === length && isHighSurrogate(first)) return this.hold(from, 'processing instruction');
            const noTarget = first === QUESTION || isWhite(first);
            this.fail(noTarget ? 'Processing instruction without a target' : 'Disallowed character in processing instruction name', start + 1);
        }
        const end = nameEnd(text, start + (first > 0xffff ? 2 : 1));
        if (end >= length) return this.hold(from, 'processing instruction');
        const after = text.charCodeAt(end);
        if (after !== QUESTION && !isWhite(after)) this.fail('Disallowed character in processing instruction name', end + 1);
        const close = text.indexOf('?>', end);
        if (close === -1) return this.hold(from, 'processing instruction');
        if (close - from > this.maxMarkup) throw this.tooLong('processing instruction');
        if (end - start === 3 && text.startsWith('xml', start)) {
            const declaration = text.slice(end, close);
            if (!XML_DECLARATION.test(declaration)) {
                const reason = declaration.includes('version') ? 'Malformed XML declaration' : 'XML declaration must contain a version';
                this.fail(reason, close + 2);
            }
        }
        return close + 2;
    }

    /** Reads a comment's body from `from` to its `-->`; a comment is never reported, so nothing is kept. */
    private readComment(from: number): number {
        const text = this.buffer;
        const length = text.length;
        for (let search = from; ; ) {
            const dashes = text.indexOf('--', search);
            if (dashes === -1 || dashes + 2 >= length) {
                // A '-' or '--' at the end may start the end of the comment: it is read again with the next chunk.
                const keep = dashes !== -1 ? dashes : text.charCodeAt(length - 1) === DASH ? Math.max(length - 1, from) : length;
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

    /** Reads a CDATA section's content from `from` to its `]]>`; returns the index after it, or -1 to wait. */
    private readCData(from: number): number {
        const text = this.buffer;
        const length = text.length;
        const end = text.indexOf(']]>', from);
        if (end === -1) {
            // A ']' or ']]' at the end may start the end of the section.
            let keep = length;
            if (text.charCodeAt(keep - 1) === CLOSE_BRACKET && keep > from) keep -= 1;
            if (text.charCodeAt(keep - 1) === CLOSE_BRACKET && keep > from) keep -= 1;
            if (this.collectText) this.runPiece(from, keep);
            this.resume = keep;
            return -1;
        }
        if (this.collectText) this.runEnd(from, end, true, end + 3);
        this.mode = TEXT;
        this.blank = false;
        return end + 3;
    }

    /** Adds `buffer[from, to)` to the run being read, keeping no more than the run may hold. */
    private runPiece(from: number, to: number): void {
        const length = to - from;
        if (length <= 0) return;
        const room = this.maxRun - this.runLength;
        if (room > 0) this.runText += this.buffer.slice(from, from + Math.min(room, length));
        this.runLength += length;
    }

    /** Ends the run being read with `buffer[from, to)` and reports it (`at`: the position it is reported at). */
    private runEnd(from: number, to: number, cdata: boolean, at: number): void {
        let raw: string;
        let total: number;
        // Decoding is only needed for text that holds a reference, or a carriage return where it is a line end.
        let plain = cdata;
        if (this.runLength === 0) {
            total = to - from;
            if (total === 0) return;
            if (!cdata && this.blank && isWhite(this.buffer.charCodeAt(from))) {
                // Indentation between tags: the same few strings again and again, handed out without a slice.
                const blank = this.blankText(from, to);
                if (blank !== undefined) {
                    this.at = at;
                    this.handler.text(blank, undefined);
                    return;
                }
            }
            raw = this.buffer.slice(from, from + Math.min(total, this.maxRun));
            if (!cdata) plain = this.ampersandAfter(from) >= to && !(this.blank && this.carriageReturnAfter(from) < to);
        } else {
            this.runPiece(from, to);
            raw = this.runText;
            total = this.runLength;
            this.runText = '';
            this.runLength = 0;
        }
        let cutFrom: number | undefined;
        if (total > this.maxRun) {
            raw = cutRun(raw);
            cutFrom = total;
        }
        const value = plain ? raw : textValue(raw, this.blank);
        if (!cdata && this.blank) this.blank = firstNonBlank(raw) === raw.length;
        if (value === '') return;
        this.at = at;
        this.handler.text(value, cutFrom);
    }

    /**
     * `buffer[from, to)` when it is white space without a carriage return, as a kept string when it is short
     * (indentation repeats on every line); undefined otherwise.
     */
    private blankText(from: number, to: number): string | undefined {
        const length = to - from;
        const kept = length < BLANK_TEXTS ? this.blankTexts[length] : undefined;
        if (kept !== undefined && this.buffer.startsWith(kept, from)) return kept;
        if (firstNonBlank(this.buffer, from) < to || this.carriageReturnAfter(from) < to) return undefined;
        const text = this.buffer.slice(from, to);
        if (length >= BLANK_TEXTS) return text;
        // A copy of its own: a longer slice would keep the whole chunk and read its characters indirectly.
        const copy = text.split('').join('');
        this.blankTexts[length] = copy;
        return copy;
    }

    private ampersandAfter(from: number): number {
        if (this.nextAmpersand < from) {
            const found = this.buffer.indexOf('&', from);
            this.nextAmpersand = found === -1 ? this.buffer.length : found;
        }
        return this.nextAmpersand;
    }

    private carriageReturnAfter(from: number): number {
        if (this.nextCarriageReturn < from) {
            const found = this.buffer.indexOf('\r', from);
            this.nextCarriageReturn = found === -1 ? this.buffer.length : found;
        }
        return this.nextCarriageReturn;
    }

    /** Keeps the markup token at `from` for the next chunk (failing when it is already too long); returns -1. */
    private hold(from: number, markup: string | undefined): number {
        this.resume = from;
        this.heldMarkup = markup;
        if (markup !== undefined && this.buffer.length - from > this.maxMarkup) throw this.tooLong(markup);
        return -1;
    }

    private tooLong(what: string): XmlLimitError {
        return new XmlLimitError('markup', `a ${what} longer than ${this.maxMarkup} characters`);
    }

    private fail(reason: string, at: number): never {
        this.at = at;
        throw new XmlSyntaxError(reason);
    }
}

/** The part of a run's first `maxRun` characters that is kept: never half a surrogate pair or of a reference. */
function cutRun(kept: string): string {
    let cut = kept.length;
    if (isHighSurrogate(kept.charCodeAt(cut - 1))) cut -= 1;
    const ampersand = kept.lastIndexOf('&', cut - 1);
    if (ampersand !== -1 && cut - ampersand < 32 && !kept.slice(ampersand, cut).includes(';')) cut = ampersand;
    return kept.slice(0, cut);
}

function isHighSurrogate(code: number): boolean {
    return code >= 0xd800 && code <= 0xdbff;
}

function isWhite(code: number): boolean {
    return code === 0x20 || code === 0xa || code === 0x9 || code === 0xd;
}

/** The first index at or after `from` that is not XML white space (the length of `text` if none). */
function skipWhite(text: string, from: number): number {
    let index = from;
    while (index < text.length && isWhite(text.charCodeAt(index))) index += 1;
    return index;
}
