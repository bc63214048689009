/**
 * Characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return). Some Qualys outputs
 * carry them literally inside scanner RESULTS; a strict parser rejects them and downstream JSON and OCSF
 * consumers should not see them, so they are removed before parsing.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVALID_XML_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
// eslint-disable-next-line no-control-regex -- as above, without the global flag: `test` keeps no state
const HAS_INVALID_XML_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/** Removes characters XML 1.0 forbids from decoded text. */
export function stripInvalidXmlCharacters(text: string): string {
    return HAS_INVALID_XML_CHARACTER.test(text) ? text.replace(INVALID_XML_CHARACTERS, '') : text;
}

/**
 * Turns body chunks into text for the tokenizer: UTF-8 decoding that survives multi-byte characters split across
 * chunks, forbidden characters removed, bytes counted.
 */
export class ChunkDecoder {
    private readonly decoder = new TextDecoder('utf-8');
    private pendingBytes = false;
    /** Bytes of body read so far (strings counted as their UTF-8 length). */
    bytes = 0;

    /** Decodes one chunk; may return '' while a split character waits for the rest. */
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
