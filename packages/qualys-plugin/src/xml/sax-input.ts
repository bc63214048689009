import { SaxesParser } from 'saxes';
import { NAMED_ENTITIES } from './html-entities.js';
import { XmlTextRepair } from './xml-text-repair.js';

/**
 * Characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return). Some Qualys outputs
 * carry them literally inside scanner RESULTS; a strict parser rejects them and downstream JSON and OCSF
 * consumers should not see them, so they are removed before parsing.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVALID_XML_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/** Numeric character references to those characters (`&#1;`, `&#x1F;`), which sax rejects as invalid entities. */
const INVALID_CHARACTER_REFERENCES = /&#(?:[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));/g;

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

/** Removes references to those characters (`&#1;`), which xml2js' sax fails on; the streaming parser drops them itself. */
export function stripInvalidCharacterReferences(text: string): string {
    return text.replace(INVALID_CHARACTER_REFERENCES, '');
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
 * chunks, forbidden characters removed, entities and line ends repaired (see {@link XmlTextRepair}), bytes counted.
 */
export class ChunkDecoder {
    private readonly decoder = new TextDecoder('utf-8');
    private readonly repair = new XmlTextRepair();
    private pendingBytes = false;
    /** Bytes of body read so far (strings counted as their UTF-8 length). */
    bytes = 0;

    /** Decodes one chunk; may return '' while a split character or reference waits for the rest. */
    decode(chunk: Buffer | Uint8Array | string): string {
        if (typeof chunk === 'string') {
            this.bytes += Buffer.byteLength(chunk);
            return this.repair.write(stripInvalidXmlCharacters(this.flush() + chunk));
        }
        this.bytes += chunk.byteLength;
        this.pendingBytes = true;
        return this.repair.write(stripInvalidXmlCharacters(this.decoder.decode(chunk, { stream: true })));
    }

    /** The text still held back at the end of the body (an incomplete character becomes U+FFFD). */
    end(): string {
        return this.repair.write(stripInvalidXmlCharacters(this.flush())) + this.repair.end();
    }

    private flush(): string {
        if (!this.pendingBytes) return '';
        this.pendingBytes = false;
        return this.decoder.decode();
    }
}
