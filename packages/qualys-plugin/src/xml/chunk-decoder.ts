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
 * chunks, forbidden characters removed, bytes counted, and the line feeds of each chunk counted on the way (the
 * tokenizer needs them for the line numbers of its messages, and bytes are cheaper to count than characters).
 */
export class ChunkDecoder {
    private readonly decoder = new TextDecoder('utf-8');
    private pendingBytes = false;
    /** Bytes of body read so far (strings counted as their UTF-8 length). */
    bytes = 0;
    /** Line feeds in the text the last {@link decode} returned; -1 when they were not counted (string chunks). */
    newlines = -1;

    /** Decodes one chunk; may return '' while a split character waits for the rest. */
    decode(chunk: Buffer | Uint8Array | string): string {
        if (typeof chunk === 'string') {
            this.bytes += Buffer.byteLength(chunk);
            this.newlines = -1;
            return stripInvalidXmlCharacters(this.flush() + chunk);
        }
        this.bytes += chunk.byteLength;
        this.pendingBytes = true;
        // A control character is one byte in UTF-8, and no byte of a multi-byte character is below 0x80.
        const scan = scanControlBytes(chunk);
        this.newlines = scan >>> 1;
        const text = this.decoder.decode(chunk, { stream: true });
        return (scan & 1) === 0 ? text : text.replace(INVALID_XML_CHARACTERS, '');
    }

    /** The text still held back at the end of the body (an incomplete character becomes U+FFFD). */
    end(): string {
        this.newlines = 0;
        return stripInvalidXmlCharacters(this.flush());
    }

    private flush(): string {
        if (!this.pendingBytes) return '';
        this.pendingBytes = false;
        return this.decoder.decode();
    }
}

const EMPTY_WORDS = new Uint32Array(0);

/** 1 for a line feed, 2 for a control character XML forbids, 0 for any other byte. */
function controlKind(code: number): number {
    if (code >= 0x20 || code === 0x09 || code === 0x0d) return 0;
    return code === 0x0a ? 1 : 2;
}

/**
 * The line feeds among `bytes` times two, plus one when a byte XML forbids (a control other than tab, line feed and
 * carriage return) is among them. Reads four bytes at a time, and looks at each only in a word holding one below
 * 0x20: `(x - 0x20202020) & ~x & 0x80808080` is not zero exactly then.
 */
function scanControlBytes(bytes: Uint8Array): number {
    const length = bytes.length;
    let newlines = 0;
    let forbidden = 0;
    const head = Math.min(length, (4 - (bytes.byteOffset & 3)) & 3);
    const words = (length - head) >>> 2;
    const tail = head + words * 4;
    for (let index = 0; index < head; index += 1) {
        const kind = controlKind(bytes[index]);
        newlines += kind & 1;
        forbidden |= kind;
    }
    const wordView = words === 0 ? EMPTY_WORDS : new Uint32Array(bytes.buffer, bytes.byteOffset + head, words);
    for (let index = 0; index < words; index += 1) {
        const word = wordView[index];
        if (((word - 0x20202020) & ~word & 0x80808080) !== 0) {
            for (let shift = 0; shift < 32; shift += 8) {
                const kind = controlKind((word >>> shift) & 0xff);
                newlines += kind & 1;
                forbidden |= kind;
            }
        }
    }
    for (let index = tail; index < length; index += 1) {
        const kind = controlKind(bytes[index]);
        newlines += kind & 1;
        forbidden |= kind;
    }
    return newlines * 2 + (forbidden >>> 1);
}
