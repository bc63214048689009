import { detachedString } from './detached-string.js';
import { codePointAt, isNameAt, isNameStartChar, type KeptName, NameTable, nameEnd } from './xml-names.js';
import { attributeValue, firstNonBlank, textValue } from './xml-references.js';
import { maxRunChars, RECORD_LIST_LIMITS, type XmlLimits } from './xml-limits.js';
import {
    APOSTROPHE,
    CDATA,
    GREATER,
    isHighSurrogate,
    isWhite,
    QUOTE,
    SLASH,
    skipWhite,
    TEXT,
    XmlScanner
} from './xml-scanner.js';

export { XmlSyntaxError } from './xml-scanner.js';

/*
 * A strict, streaming, namespace-unaware XML tokenizer for Qualys responses, in one pass over decoded text. It reads
 * what a conforming parser reads, with the leniency the readers of the same API (sax under xml2js) have always had:
 * references are read as `xml-references.ts` says, a non-character, `]]>` in text, white space before `<?xml`, a
 * repeated attribute (the last one counts) and a `<` inside an attribute value (dropped) are tolerated. Anything
 * else that is not well-formed stops it with an {@link XmlSyntaxError} that names the fault (`Unexpected close tag`).
 *
 * It never loads a DTD and refuses one of the document's own (an internal subset, or `<!ENTITY`-style markup):
 * no entity can be declared, so none can expand or fetch anything. Every token is bounded by the {@link XmlLimits}
 * (an {@link XmlLimitError} otherwise): a text or CDATA run keeps its first `maxRunChars` characters and says how
 * long it was, a comment of any length is read, a tag, processing instruction or DOCTYPE past `maxMarkupChars` fails.
 *
 * The input is scanned with `indexOf` and `charCodeAt`; a value is copied out only when it is handed out, and only
 * while {@link XmlTokenizer.collectText} is set, so skipped content costs no allocation. Each value handed out is a
 * string of its own ({@link detachedString}): one kept for long never keeps the chunk it was read from. Names are
 * interned. A chunk may end anywhere: a token cut short is read again, whole, once the next chunk arrives (tags are
 * bounded), and a text run, CDATA section or comment carries on from where it stopped.
 */

/** Characters written to the tokenizer at a time: bounds how many records one write can complete. */
export const MAX_WRITE_CHARS = 64 * 1024;

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

const EQUALS = 0x3d;
const CLOSE_BRACKET = 0x5d;

/** White space texts shorter than this are kept for reuse. */
const BLANK_TEXTS = 64;

/** Reads a document chunk by chunk and reports it to its {@link XmlTokenHandler}; see the comment at the top. */
export class XmlTokenizer extends XmlScanner {
    /** Whether text and CDATA are reported (and so sliced out at all); the handler switches it as it walks. */
    collectText = true;
    private readonly maxRun: number;
    private readonly names = new NameTable();
    /** The last white space text of each length below {@link BLANK_TEXTS}. */
    private readonly blankTexts: (string | undefined)[] = new Array<string | undefined>(BLANK_TEXTS).fill(undefined);
    /** The element opened last; see {@link KeptName.next}. */
    private lastOpened: KeptName = { name: '', next: undefined, other: undefined, attribute: undefined };
    /** Names of the open elements. */
    private readonly open: string[] = [];
    /** The kept start of a text or CDATA run read across chunks, and the run's length so far. */
    private runText = '';
    private runLength = 0;
    private closedRoot = false;
    /** Whether the text since the last tag is all white space (its carriage returns are line ends, not content). */
    private blank = true;

    constructor(
        private readonly handler: XmlTokenHandler,
        limits: XmlLimits = RECORD_LIST_LIMITS
    ) {
        super(limits.maxMarkupChars);
        this.maxRun = maxRunChars(limits);
    }

    /** Elements open now. */
    get depth(): number {
        return this.open.length;
    }

    /** Whether the root element has closed. */
    get rootClosed(): boolean {
        return this.closedRoot;
    }

    /** Reads text up to the next '<' (or the end of the buffer); returns where it stopped. */
    protected readText(from: number): number {
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

    protected readOpenTag(from: number): number {
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
                    this.fail(
                        nameStart ? 'No whitespace between attributes' : 'Disallowed character in attribute name',
                        index + 1
                    );
                }
            }
        }
        let selfClosing = false;
        if (code === SLASH) {
            if (index + 1 >= length) return this.hold(from, 'tag');
            if (text.charCodeAt(index + 1) !== GREATER)
                this.fail('Forward-slash in opening tag not followed by >', index + 2);
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
        const value = detachedString(attributeValue(text.slice(index + 1, close)));
        // A plain object stays small and fast (one without a prototype would not); `__proto__` is defined as data.
        if (name !== '__proto__') attributes[name] = value;
        else Object.defineProperty(attributes, name, { value, enumerable: true, writable: true, configurable: true });
        return close + 1;
    }

    protected readCloseTag(from: number): number {
        const text = this.buffer;
        const length = text.length;
        const start = from + 2;
        const expected = this.open[this.open.length - 1];
        // Almost always the name is the expected one: compare it in place rather than read a name first.
        const end =
            expected !== undefined && isNameAt(text, start, expected) ? start + expected.length : nameEnd(text, start);
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

    /** Reads a CDATA section's content from `from` to its `]]>`; returns the index after it, or -1 to wait. */
    protected openCData(from: number): number {
        if (this.open.length === 0) this.fail('Text data outside of root node', from + 9);
        this.mode = CDATA;
        return this.readCData(from + 9);
    }

    protected readCData(from: number): number {
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
        this.handler.text(detachedString(value), cutFrom);
    }

    /**
     * `buffer[from, to)`, as a string of its own, when it is white space without a carriage return; kept for reuse
     * when it is short (indentation repeats on every line). Undefined otherwise.
     */
    private blankText(from: number, to: number): string | undefined {
        const length = to - from;
        const kept = length < BLANK_TEXTS ? this.blankTexts[length] : undefined;
        if (kept !== undefined && this.buffer.startsWith(kept, from)) return kept;
        if (firstNonBlank(this.buffer, from) < to || this.carriageReturnAfter(from) < to) return undefined;
        const text = detachedString(this.buffer.slice(from, to));
        if (length < BLANK_TEXTS) this.blankTexts[length] = text;
        return text;
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
}

/** The part of a run's first `maxRun` characters that is kept: never half a surrogate pair or of a reference. */
function cutRun(kept: string): string {
    let cut = kept.length;
    if (isHighSurrogate(kept.charCodeAt(cut - 1))) cut -= 1;
    const ampersand = kept.lastIndexOf('&', cut - 1);
    if (ampersand !== -1 && cut - ampersand < 32 && !kept.slice(ampersand, cut).includes(';')) cut = ampersand;
    return kept.slice(0, cut);
}
