import { KeptText } from './kept-text.js';
import { XmlLimitError } from './xml-limits.js';

/*
 * saxes gathers a text node, a CDATA section, a comment or a tag whole before it reports it, so one text node of a
 * few hundred MB costs that much memory (and then a RangeError). The guard sits between the decoder and saxes and
 * bounds every token on its way in: a text or CDATA run keeps its first `maxRun` characters and the rest is
 * dropped, with the run's length remembered so the parser can say what was cut; a comment keeps its first
 * `maxMarkup` characters; a longer tag, processing instruction or declaration fails the document. It also refuses
 * a DOCTYPE with an internal subset and any other markup declaration (`<!ENTITY`...): Qualys only ever names an
 * external DTD, and a document that declares its own entities is not one of its responses.
 */

/** What is being read: text, the start of markup, or one kind of markup. */
const TEXT = 0;
const OPEN = 1;
const TAG = 2;
const DECLARATION = 3;
const COMMENT = 4;
const CDATA = 5;
const PI = 6;
type Mode = typeof TEXT | typeof OPEN | typeof TAG | typeof DECLARATION | typeof COMMENT | typeof CDATA | typeof PI;

const GREATER = 0x3e;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const OPEN_BRACKET = 0x5b;
const QUESTION = 0x3f;
const BANG = 0x21;
const DASH = 0x2d;

/** A text or CDATA run that was cut: where saxes reports it, and how long it was. */
export interface CutRun {
    /** saxes' `position` when it reports the run: just after the `<` or `]]>` that ends it. */
    end: number;
    /** Characters of the run as sent, the dropped ones included. */
    originalLength: number;
}

/** Bounds the tokens of a document on their way to saxes; see the comment at the top of this file. */
export class TokenLengthGuard {
    private mode: Mode = TEXT;
    /** The end of the previous input when it may continue into the next (`<![CD`, `]]`). */
    private held = '';
    /** Characters handed out before the current call: saxes' position at the start of its output. */
    private emitted = 0;
    /** Characters of the current text or CDATA run, the dropped ones included. */
    private run = 0;
    /** Characters of the current markup token. */
    private markup = 0;
    /** Inside a tag or declaration: the quote that opened the current quoted part, 0 outside one. */
    private quote = 0;
    /** The first characters of a declaration after `<!`, to tell a DOCTYPE from anything else. */
    private declarationHead = '';
    private readonly cuts: CutRun[] = [];
    /** Set once the document broke a rule; nothing more is handed out after it. */
    failure: XmlLimitError | undefined;

    constructor(
        private readonly maxRun: number,
        private readonly maxMarkup: number
    ) {}

    /** The part of `text` (after what was held back) that may go to saxes; may hold back a few characters. */
    write(text: string): string {
        const input = this.held === '' ? text : this.held + text;
        this.held = '';
        return this.scan(input, false);
    }

    /** What was held back, at the end of the document. */
    end(): string {
        const input = this.held;
        this.held = '';
        return this.scan(input, true);
    }

    /**
     * The cut run saxes reports at `position`, if the run it reports there was cut. Call it from the text and CDATA
     * handlers with the parser's `position`.
     */
    takeCut(position: number): CutRun | undefined {
        while (this.cuts.length > 0 && this.cuts[0].end < position) this.cuts.shift();
        return this.cuts[0]?.end === position ? this.cuts.shift() : undefined;
    }

    private scan(input: string, final: boolean): string {
        if (this.failure !== undefined || input === '') return '';
        const out = new KeptText(input);
        let i = 0;
        const length = input.length;
        try {
            while (i < length) {
                if (this.mode === TEXT) {
                    const less = input.indexOf('<', i);
                    const stop = less === -1 ? (final ? length : length - splitTail(input, i, true)) : less;
                    out.keep(i, this.keepRun(input, i, stop));
                    i = stop;
                    if (less === -1) {
                        this.held = input.slice(stop);
                        break;
                    }
                    // saxes reports the text when it reads the '<', one past where it lands in the output.
                    this.closeRun(this.emitted + out.length + 1);
                    this.mode = OPEN;
                } else if (this.mode === OPEN) {
                    if (!final && length - i < 9 && isOpenerPrefix(input.slice(i))) {
                        this.held = input.slice(i);
                        break;
                    }
                    i = this.open(input, i);
                    out.keep(i - this.markup, i);
                } else if (this.mode === TAG || this.mode === DECLARATION) {
                    const end = this.scanTag(input, i);
                    out.keep(i, end);
                    i = end;
                } else {
                    i = this.scanSection(input, i, final, out);
                }
            }
        } catch (error) {
            if (!(error instanceof XmlLimitError)) throw error;
            this.failure = error;
        }
        this.emitted += out.length;
        return out.text();
    }

    /** Reads what follows a '<' at `i` and switches to its mode; returns the position after the opener. */
    private open(input: string, i: number): number {
        let opener = 1;
        if (input.startsWith('<!--', i)) {
            this.mode = COMMENT;
            opener = 4;
        } else if (input.startsWith('<![CDATA[', i)) {
            this.mode = CDATA;
            this.run = 0;
            opener = 9;
        } else if (input.charCodeAt(i + 1) === QUESTION) {
            this.mode = PI;
            opener = 2;
        } else if (input.charCodeAt(i + 1) === BANG) {
            this.mode = DECLARATION;
            this.declarationHead = '';
            opener = 2;
        } else {
            this.mode = TAG;
        }
        this.quote = 0;
        this.markup = opener;
        return i + opener;
    }

    /** Reads a tag or declaration up to its '>' (quoted parts may hold one); returns where reading stopped. */
    private scanTag(input: string, from: number): number {
        const declaration = this.mode === DECLARATION;
        let i = from;
        let closed = false;
        for (; i < input.length; i += 1) {
            const code = input.charCodeAt(i);
            if (declaration && this.declarationHead.length < 7) this.checkDeclaration(code);
            if (this.quote !== 0) {
                if (code === this.quote) this.quote = 0;
            } else if (code === QUOTE || code === APOSTROPHE) {
                this.quote = code;
            } else if (code === GREATER) {
                closed = true;
                break;
            } else if (declaration && code === OPEN_BRACKET) {
                throw new XmlLimitError(
                    'dtd',
                    'the document declares its own DTD (a DOCTYPE with an internal subset, where entities are declared)'
                );
            }
        }
        this.markup += i - from;
        if (this.markup > this.maxMarkup) throw this.tooLong(declaration ? 'declaration' : 'tag');
        if (!closed) return i;
        if (declaration && this.declarationHead !== 'DOCTYPE') this.refuseDeclaration();
        this.mode = TEXT;
        this.run = 0;
        return i + 1;
    }

    /** Collects the declaration's keyword and refuses anything but a DOCTYPE as soon as it is known. */
    private checkDeclaration(code: number): void {
        this.declarationHead += String.fromCharCode(code);
        if (!'DOCTYPE'.startsWith(this.declarationHead)) this.refuseDeclaration();
    }

    private refuseDeclaration(): never {
        throw new XmlLimitError('dtd', 'the document holds a markup declaration (such as <!ENTITY) outside any DTD');
    }

    /**
     * Reads a comment, CDATA section or processing instruction up to its end, holding back a split terminator, into
     * `out` (what this call hands out so far, which also places the end of a CDATA run); returns where it stopped.
     */
    private scanSection(input: string, from: number, final: boolean, out: KeptText): number {
        const terminator = this.mode === COMMENT ? '-->' : this.mode === CDATA ? ']]>' : '?>';
        const end = input.indexOf(terminator, from);
        let stop = end;
        if (end === -1) {
            stop = input.length - (final ? 0 : partialSuffix(input, terminator, from));
            // A run may be cut where this input ends: the next input completes a split character first.
            if (!final && this.mode === CDATA && stop === input.length) stop -= splitTail(input, from, false);
        }
        const kept =
            this.mode === CDATA ? this.keepRun(input, from, stop) : this.keepMarkup(input, from, stop, this.mode === COMMENT);
        out.keep(from, kept);
        if (end === -1) {
            this.held = input.slice(stop);
            return input.length;
        }
        out.keep(end, end + terminator.length);
        // saxes reports a CDATA section when it reads the '>' of its terminator.
        if (this.mode === CDATA) this.closeRun(this.emitted + out.length);
        this.mode = TEXT;
        this.run = 0;
        return end + terminator.length;
    }

    /** Where the part of `input[from, to)` a text or CDATA run may keep ends; counts all of it. */
    private keepRun(input: string, from: number, to: number): number {
        const room = this.maxRun - this.run;
        this.run += to - from;
        if (to - from <= room) return to;
        if (room <= 0) return from;
        let cut = from + room;
        // Never split a surrogate pair, nor a reference (saxes would read `&am<` as a broken entity).
        if (isHighSurrogate(input.charCodeAt(cut - 1))) cut -= 1;
        const ampersand = input.lastIndexOf('&', cut - 1);
        if (ampersand >= from && cut - ampersand < 32 && !input.slice(ampersand, cut).includes(';')) cut = ampersand;
        return cut;
    }

    /** Remembers a run that was cut, for {@link takeCut}; `end` is where saxes reports it. */
    private closeRun(end: number): void {
        if (this.run > this.maxRun) this.cuts.push({ end, originalLength: this.run });
        this.run = 0;
    }

    /** Where the part of a comment or PI body that may be kept ends: a comment is cut, a PI past the bound fails. */
    private keepMarkup(input: string, from: number, to: number, cutInstead: boolean): number {
        const room = this.maxMarkup - this.markup;
        this.markup += to - from;
        if (to - from <= room) return to;
        if (!cutInstead) throw this.tooLong('processing instruction');
        if (room <= 0) return from;
        // A comment cut before a '-' could end in '--->', which is not a comment end.
        let cut = from + room;
        while (cut > from && input.charCodeAt(cut - 1) === DASH) cut -= 1;
        return cut;
    }

    private tooLong(what: string): XmlLimitError {
        return new XmlLimitError('markup', `a ${what} longer than ${this.maxMarkup} characters`);
    }
}

/** True when `rest` may be the start of a longer opener (`<!--`, `<![CDATA[`) or does not show its kind yet. */
function isOpenerPrefix(rest: string): boolean {
    return '<![CDATA['.startsWith(rest) || '<!--'.startsWith(rest);
}

/**
 * How many trailing characters of `text`, after `from`, may belong with what comes next: half a surrogate pair, or
 * (with `references`) a character reference that is not complete yet. Held back, so a cut never splits one.
 */
function splitTail(text: string, from: number, references: boolean): number {
    const last = text.length - 1;
    if (last < from) return 0;
    if (isHighSurrogate(text.charCodeAt(last))) return 1;
    if (!references) return 0;
    const ampersand = text.lastIndexOf('&');
    return ampersand >= from && last - ampersand < 32 && text.indexOf(';', ampersand) === -1
        ? text.length - ampersand
        : 0;
}

/** How many trailing characters of `text`, after `from`, could be the start of `terminator`. */
function partialSuffix(text: string, terminator: string, from: number): number {
    for (let size = terminator.length - 1; size > 0; size -= 1) {
        if (text.length - size >= from && text.endsWith(terminator.slice(0, size))) return size;
    }
    return 0;
}

function isHighSurrogate(code: number): boolean {
    return code >= 0xd800 && code <= 0xdbff;
}
