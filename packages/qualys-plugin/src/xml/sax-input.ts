import sax from 'sax';

/**
 * Characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return). Some Qualys outputs
 * carry them literally inside scanner RESULTS; sax passes them through, but downstream JSON and OCSF
 * consumers should not see them, so they are removed before parsing.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVALID_XML_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/** Numeric character references to those characters (`&#1;`, `&#x1F;`), which sax rejects as invalid entities. */
const INVALID_CHARACTER_REFERENCES = /&#(?:[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));/g;

/** Sax errors that leave the parser in a consistent state and the entity text verbatim: worth tolerating. */
const RECOVERABLE_SAX_ERRORS = ['Invalid character entity', 'Invalid character in entity name'];

/** Characters written to sax at a time: bounds how many hosts one write can complete before the consumer runs. */
export const MAX_SAX_WRITE = 64 * 1024;

/** Removes characters XML 1.0 forbids from decoded text. */
export function stripInvalidXmlCharacters(text: string): string {
    return text.replace(INVALID_XML_CHARACTERS, '');
}

/**
 * Removes references to forbidden characters that sax kept verbatim after a tolerated entity error; only run
 * on documents where such an error happened, so ordinary text pays nothing.
 */
export function stripInvalidCharacterReferences(text: string): string {
    return text.replace(INVALID_CHARACTER_REFERENCES, '');
}

/** A strict sax parser with the options every Qualys parser here uses (positions on for error messages). */
export function createStrictSaxParser(): sax.SAXParser {
    // Strict mode keeps element names as sent and rejects malformed markup. sax never loads a DTD and, without
    // the `unparsedEntities` option, never expands an entity declared in one: no external entity can be fetched.
    return sax.parser(true, { trim: false, normalize: false, position: true });
}

/** True for a sax error that can be skipped: the offending entity stays in the text as written. */
export function isRecoverableSaxError(error: Error): boolean {
    return RECOVERABLE_SAX_ERRORS.some(prefix => error.message.startsWith(prefix));
}

/** The first line of a sax error message, without the `Line:/Column:/Char:` suffix sax appends. */
export function saxErrorReason(error: Error): string {
    return error.message.split('\n', 1)[0].replace(/\.$/, '');
}

/** Line (1-based) and column of the parser's current position, for error messages. */
export function saxPosition(parser: sax.SAXParser): string {
    return `line ${parser.line + 1}, column ${parser.column}`;
}

/**
 * Turns body chunks into text for sax: UTF-8 decoding that survives multi-byte characters split across
 * chunks (sax's own `Buffer.toString()` per chunk does not), forbidden characters removed, bytes counted.
 */
export class ChunkDecoder {
    private readonly decoder = new TextDecoder('utf-8');
    private pendingBytes = false;
    /** Bytes of body read so far (strings counted as their UTF-8 length). */
    bytes = 0;

    /** Decodes one chunk; may return '' while a split character waits for its remaining bytes. */
    decode(chunk: Buffer | Uint8Array | string): string {
        if (typeof chunk === 'string') {
            this.bytes += Buffer.byteLength(chunk);
            return stripInvalidXmlCharacters(this.flush() + chunk);
        }
        this.bytes += chunk.byteLength;
        this.pendingBytes = true;
        return stripInvalidXmlCharacters(this.decoder.decode(chunk, { stream: true }));
    }

    /** The text still held back at the end of the body (an incomplete character becomes U+FFFD). */
    end(): string {
        return stripInvalidXmlCharacters(this.flush());
    }

    private flush(): string {
        if (!this.pendingBytes) return '';
        this.pendingBytes = false;
        return this.decoder.decode();
    }
}
