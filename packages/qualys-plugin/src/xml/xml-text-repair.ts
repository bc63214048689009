import { NAMED_ENTITIES } from './html-entities.js';

/*
 * saxes is a strict XML tokenizer. Qualys text is not always strict XML: `AT&T` with a bare ampersand, `&nbsp;` and
 * other HTML entities, `&AMP;`, unknown `&foo;`, `&#1;` for a control character. A bare `&` is the dangerous one:
 * saxes reads an entity name up to the next `;`, swallowing whatever markup lies in between. So the text is
 * rewritten before saxes sees it, into XML that saxes reads the way sax (under xml2js, the other parsers here) reads
 * the original: unknown or malformed references stay literal text, HTML names resolve, references to forbidden
 * characters go. CDATA, comments and processing instructions pass through unchanged.
 *
 * Line ends are kept too: XML turns `\r\n` into `\n`, but scanner output keeps its own. A carriage return becomes
 * `&#13;` where that is sure to be element content: in CDATA, and in text with content since the last tag. Blank
 * text after a tag is left alone: it may lie outside the root element, where a reference is an error, and values
 * are trimmed anyway.
 *
 * A chunk may end anywhere: a possibly incomplete reference or marker is held back until the next chunk.
 */

/** What is being scanned: markup and text, or a section whose content is never parsed. */
const MARKUP = 0;
const CDATA = 1;
const COMMENT = 2;
const PI = 3;
type Mode = typeof MARKUP | typeof CDATA | typeof COMMENT | typeof PI;
/** How each section ends; indexed by {@link Mode}. */
const SECTION_END = ['', ']]>', '-->', '?>'];

/** Where a carriage return in markup mode sits: in a tag, in blank text, or in text with content before it. */
const IN_TAG = 0;
const BLANK_TEXT = 1;
const TEXT = 2;
type Context = typeof IN_TAG | typeof BLANK_TEXT | typeof TEXT;

/** The characters sax accepts in an entity name (its `entityStart` and `entityBody`); an astral character ends one. */
const NAME_START =
    ':_A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F' +
    '\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
// eslint-disable-next-line no-misleading-character-class -- U+0300-U+036F is a range of marks, not a combined character
const ENTITY_NAME = new RegExp(`[#${NAME_START}][#${NAME_START}\\u00B7\\u0300-\\u036F\\u203F-\\u2040.\\d-]*`, 'y');
/** A reference longer than this at the end of a chunk is no entity anyone decodes: it is not held back. */
const MAX_HELD_REFERENCE = 64;
const DECIMAL = /^[0-9]+$/;
const HEXADECIMAL = /^[0-9a-fA-F]+$/;
/** Character references saxes decodes itself (a lower-case `x` only). */
const SAXES_REFERENCE = /^#(?:x[0-9a-fA-F]+|[0-9]+)$/;
/** A carriage return inside CDATA: the section is split around a reference, which the parser joins again. */
const CDATA_CARRIAGE_RETURN = ']]>&#13;<![CDATA[';

/** Rewrites decoded text, chunk by chunk, into XML that saxes reads the way sax reads the original. */
export class XmlTextRepair {
    private mode: Mode = MARKUP;
    /** The end of the previous chunk when it might continue into the next (`&nbs`, `<![CD`, `]]`). */
    private held = '';
    /** The {@link Context} at the end of the previous chunk. */
    private context: Context = BLANK_TEXT;
    /** The context before the open comment or PI, which the text after it continues. */
    private sectionContext: Context = BLANK_TEXT;

    /** The repaired text of `text`; a few trailing characters may be held back until the next call. */
    write(text: string): string {
        const input = this.held === '' ? text : this.held + text;
        this.held = '';
        return input === '' ? '' : this.repair(input, false);
    }

    /** The repaired text held back at the end of the body. */
    end(): string {
        const input = this.held;
        this.held = '';
        return input === '' ? '' : this.repair(input, true);
    }

    private repair(text: string, final: boolean): string {
        const length = text.length;
        let output = '';
        let copied = 0;
        let position = 0;
        let keep = length;
        // Next '&', '<!', '<?' and '\r' at or after `position`: -1 when there is none, -2 before the first search.
        let ampersand = -2;
        let bang = -2;
        let question = -2;
        let carriageReturn = -2;
        // The context is known at `contextFrom`; carriage returns in markup mode bring it up to date.
        let context = this.context;
        let contextFrom = 0;
        while (position < length) {
            if (carriageReturn !== -1 && carriageReturn < position) carriageReturn = text.indexOf('\r', position);
            if (this.mode !== MARKUP) {
                const terminator = SECTION_END[this.mode];
                const end = text.indexOf(terminator, position);
                const stop = end === -1 ? length : end;
                if (this.mode === CDATA) {
                    while (carriageReturn !== -1 && carriageReturn < stop) {
                        output += text.slice(copied, carriageReturn) + CDATA_CARRIAGE_RETURN;
                        copied = carriageReturn + 1;
                        carriageReturn = text.indexOf('\r', copied);
                    }
                }
                if (end === -1) {
                    if (!final) keep = length - partialSuffix(text, terminator, position);
                    break;
                }
                position = end + terminator.length;
                // CDATA is element content for sure; a comment or PI leaves the text around it as it was.
                context = this.mode === CDATA ? TEXT : this.sectionContext;
                contextFrom = position;
                this.mode = MARKUP;
                continue;
            }
            if (ampersand !== -1 && ampersand < position) ampersand = text.indexOf('&', position);
            if (bang !== -1 && bang < position) bang = text.indexOf('<!', position);
            if (question !== -1 && question < position) question = text.indexOf('<?', position);
            const next = nearest(nearest(ampersand, bang), nearest(question, carriageReturn));
            if (next === -1) {
                // A trailing '<' may be the start of '<!' or '<?'.
                if (!final && text.charCodeAt(length - 1) === LESS) keep = length - 1;
                break;
            }
            if (next === carriageReturn) {
                context = advance(text, contextFrom, next, context);
                contextFrom = next + 1;
                if (context === TEXT) {
                    output += text.slice(copied, next) + '&#13;';
                    copied = next + 1;
                }
                position = next + 1;
            } else if (next === ampersand) {
                ENTITY_NAME.lastIndex = next + 1;
                const nameEnd = ENTITY_NAME.test(text) ? ENTITY_NAME.lastIndex : next + 1;
                if (nameEnd === length && !final && length - next <= MAX_HELD_REFERENCE) {
                    keep = next;
                    break;
                }
                const after = text.charCodeAt(nameEnd);
                let replacement: string | undefined = '&amp;';
                position = next + 1;
                if (after === SEMICOLON) {
                    replacement = repairedReference(text.slice(next + 1, nameEnd));
                    position = nameEnd + 1;
                } else if (after === AMPERSAND) {
                    // sax keeps the character that ended a bare reference as text, even an ampersand: `R&D&amp;`.
                    replacement = `&amp;${text.slice(next + 1, nameEnd)}&amp;`;
                    position = nameEnd + 1;
                }
                if (replacement !== undefined) {
                    output += text.slice(copied, next) + replacement;
                    copied = position;
                }
            } else if (next === bang && text.startsWith('<![CDATA[', next)) {
                this.mode = CDATA;
                position = next + 9;
            } else if (next === question || text.startsWith('<!--', next)) {
                // Rare enough to bring the context up to date at each one.
                this.sectionContext = advance(text, contextFrom, next, context);
                this.mode = next === question ? PI : COMMENT;
                position = next + (next === question ? 2 : 4);
            } else if (!final && isPrefixAtEnd(text, next)) {
                keep = next;
                break;
            } else {
                // A DOCTYPE (its quoted parts and internal subset are read as markup: harmless) or malformed markup.
                position = next + 2;
            }
        }
        if (this.mode === MARKUP) this.context = advanceToEnd(text, contextFrom, keep, context);
        if (keep < length) this.held = text.slice(keep);
        if (copied === 0) return keep === length ? text : text.slice(0, keep);
        return output + text.slice(copied, keep);
    }
}

const LESS = 0x3c;
const GREATER = 0x3e;
const SEMICOLON = 0x3b;
const AMPERSAND = 0x26;

/** The smaller of two positions where -1 means none. */
function nearest(first: number, second: number): number {
    if (first === -1) return second;
    return second === -1 || first < second ? first : second;
}

/** What replaces `&name;` so that saxes reads it the way sax did; undefined when saxes already does. */
function repairedReference(name: string): string | undefined {
    if (NAMED_ENTITIES[name] !== undefined) return undefined;
    if (name.charCodeAt(0) === 0x23) {
        const hex = name.charCodeAt(1) === 0x78 || name.charCodeAt(1) === 0x58;
        const digits = name.slice(hex ? 2 : 1);
        if (!(hex ? HEXADECIMAL : DECIMAL).test(digits)) return `&amp;${name};`;
        const code = parseInt(digits, hex ? 16 : 10);
        if (isXmlChar(code)) return SAXES_REFERENCE.test(name) ? undefined : `&#${code};`;
        // A reference to a control character goes, like the character itself; any other stays as text.
        return code < 0x20 ? '' : `&amp;${name};`;
    }
    const lowerCase = name.toLowerCase();
    return NAMED_ENTITIES[lowerCase] !== undefined ? `&${lowerCase};` : `&amp;${name};`;
}

/** The XML 1.0 `Char` production. */
function isXmlChar(code: number): boolean {
    if (code < 0x20) return code === 0x9 || code === 0xa || code === 0xd;
    return code <= 0xd7ff || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** How many trailing characters of `text`, after `from`, could be the start of `terminator`. */
function partialSuffix(text: string, terminator: string, from: number): number {
    for (let size = terminator.length - 1; size > 0; size -= 1) {
        if (text.length - size >= from && text.endsWith(terminator.slice(0, size))) return size;
    }
    return 0;
}

/** True when `text` ends, at `at`, with an incomplete `<![CDATA[` or `<!--`. */
function isPrefixAtEnd(text: string, at: number): boolean {
    const rest = text.slice(at);
    return rest.length < 9 && ('<![CDATA['.startsWith(rest) || '<!--'.startsWith(rest));
}

/** The context after reading `text` from `from` to `to` in markup mode, starting in `context`. */
function advance(text: string, from: number, to: number, context: Context): Context {
    for (let index = from; index < to; index += 1) {
        const code = text.charCodeAt(index);
        if (code === LESS) context = IN_TAG;
        else if (code === GREATER) context = context === IN_TAG ? BLANK_TEXT : TEXT;
        else if (context === BLANK_TEXT && !isBlank(code)) context = TEXT;
    }
    return context;
}

/** {@link advance} to `to`, reading only from the last '<' on and stopping at text: cheap at the end of a chunk. */
function advanceToEnd(text: string, from: number, to: number, context: Context): Context {
    const less = to > from ? text.lastIndexOf('<', to - 1) : -1;
    if (less >= from) {
        from = less + 1;
        context = IN_TAG;
    }
    // Past the last '<' only text can follow, and text stays text.
    for (let index = from; index < to && context !== TEXT; index += 1) {
        const code = text.charCodeAt(index);
        if (code === GREATER) context = context === IN_TAG ? BLANK_TEXT : TEXT;
        else if (context === BLANK_TEXT && !isBlank(code)) context = TEXT;
    }
    return context;
}

function isBlank(code: number): boolean {
    return code === 0x20 || code === 0x9 || code === 0xa || code === 0xd;
}
