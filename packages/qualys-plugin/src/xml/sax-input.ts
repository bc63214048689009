import { SaxesParser } from 'saxes';
import { NAMED_ENTITIES } from './html-entities.js';
import { type CutRun, TokenLengthGuard } from './token-length-guard.js';
import { maxRunChars, RECORD_LIST_LIMITS, type XmlLimitError, type XmlLimits } from './xml-limits.js';
import { XmlTextRepair } from './xml-text-repair.js';

/**
 * Characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return). Some Qualys outputs
 * carry them literally inside scanner RESULTS; a strict parser rejects them and downstream JSON and OCSF
 * consumers should not see them, so they are removed before parsing.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVALID_XML_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/**
 * saxes errors after which it carries on with the input as written, for input sax (and so xml2js) reads without
 * complaint: a non-character such as U+FFFE kept in the text, `]]>` in text, whitespace before `<?xml`, a repeated
 * attribute. The entity errors cannot occur after {@link XmlTextRepair}; they are listed in case one slips through.
 */
const RECOVERABLE_ERRORS = new Set([
    'Disallowed character',
    'The string "]]>" is disallowed in char data',
    'An XML declaration must be at the start of the document',
    'The XML declaration must appear at the start of the document',
    'Undefined entity',
    'Disallowed character in entity name',
    'Malformed character entity',
    'Empty entity name'
]);

/** The reason saxes gives for a close tag that does not match the open element. */
export const MISMATCHED_CLOSE_TAG = 'Unexpected close tag';

/** Characters written to the parser at a time: bounds how many hosts one write can complete before the consumer runs. */
export const MAX_SAX_WRITE = 64 * 1024;

/** Options of every saxes parser here; the XML version is fixed so a `version="1.1"` declaration changes nothing. */
const PARSER_OPTIONS = { xmlns: false, position: true, defaultXMLVersion: '1.0', forceXMLVersion: true } as const;

/** The saxes parser {@link createXmlParser} returns. */
export type XmlParser = SaxesParser<typeof PARSER_OPTIONS>;

/** Removes characters XML 1.0 forbids from decoded text. */
export function stripInvalidXmlCharacters(text: string): string {
    return text.replace(INVALID_XML_CHARACTERS, '');
}

/**
 * A strict, namespace-unaware saxes parser that also decodes the HTML named entities. saxes never loads a DTD and
 * never expands an entity declared in one: no external entity can be fetched. Feed it text from a
 * {@link ChunkDecoder}, which makes Qualys' not-quite-XML readable for it.
 */
export function createXmlParser(): XmlParser {
    const parser = new SaxesParser(PARSER_OPTIONS);
    parser.ENTITIES = NAMED_ENTITIES;
    return parser;
}

/** An error's reason without saxes' `line:column: ` prefix and final period, capitalised: `Unexpected close tag`. */
export function xmlErrorReason(error: Error): string {
    const reason = error.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
    return reason.charAt(0).toUpperCase() + reason.slice(1);
}

/** True for a reason (see {@link xmlErrorReason}) after which the parser can carry on. */
export function isRecoverableXmlError(reason: string): boolean {
    return RECOVERABLE_ERRORS.has(reason) || reason.startsWith('Duplicate attribute:');
}

/** Line (1-based) and column of the parser's current position, for error messages. */
export function xmlPosition(parser: XmlParser): string {
    return `line ${parser.line}, column ${parser.column}`;
}

/**
 * Turns body chunks into text for the parser: UTF-8 decoding that survives multi-byte characters split across
 * chunks, forbidden characters removed, entities and line ends repaired (see {@link XmlTextRepair}), every token
 * bounded by `limits` (see {@link TokenLengthGuard}), bytes counted.
 */
export class ChunkDecoder {
    private readonly decoder = new TextDecoder('utf-8');
    private readonly repair = new XmlTextRepair();
    private readonly guard: TokenLengthGuard;
    private pendingBytes = false;
    /** Bytes of body read so far (strings counted as their UTF-8 length). */
    bytes = 0;

    constructor(limits: XmlLimits = RECORD_LIST_LIMITS) {
        this.guard = new TokenLengthGuard(maxRunChars(limits), limits.maxMarkupChars);
    }

    /** Set once the document broke a bound or declared a DTD of its own; no more text is handed out after it. */
    get failure(): XmlLimitError | undefined {
        return this.guard.failure;
    }

    /** Decodes one chunk; may return '' while a split character or reference waits for the rest. */
    decode(chunk: Buffer | Uint8Array | string): string {
        if (typeof chunk === 'string') {
            this.bytes += Buffer.byteLength(chunk);
            return this.guard.write(this.repair.write(stripInvalidXmlCharacters(this.flush() + chunk)));
        }
        this.bytes += chunk.byteLength;
        this.pendingBytes = true;
        return this.guard.write(
            this.repair.write(stripInvalidXmlCharacters(this.decoder.decode(chunk, { stream: true })))
        );
    }

    /** The text still held back at the end of the body (an incomplete character becomes U+FFFD). */
    end(): string {
        const rest = this.guard.write(this.repair.write(stripInvalidXmlCharacters(this.flush())) + this.repair.end());
        return rest + this.guard.end();
    }

    /** The run the parser reports at `position`, when it was cut short; see {@link TokenLengthGuard.takeCut}. */
    takeCut(position: number): CutRun | undefined {
        return this.guard.takeCut(position);
    }

    private flush(): string {
        if (!this.pendingBytes) return '';
        this.pendingBytes = false;
        return this.decoder.decode();
    }
}
