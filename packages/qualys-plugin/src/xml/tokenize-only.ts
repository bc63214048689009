import { ConnectorError } from '@signal-connectors/connector-sdk';
import { ChunkDecoder } from './chunk-decoder.js';
import { XmlLimitError } from './xml-limits.js';
import { MAX_WRITE_CHARS, XmlSyntaxError, XmlTokenizer } from './xml-tokenizer.js';

/**
 * Reads a body through the same decoding and tokenizer as the host detection parser, with (near-)empty handlers:
 * the throughput of this pass is the practical limit the full parser is measured against. Malformed XML (or XML
 * past the bounds) fails as a `protocol` ConnectorError.
 */
export async function tokenizeOnly(body: AsyncIterable<Buffer | string>): Promise<{ bytes: number; elements: number }> {
    let elements = 0;
    const tokenizer = new XmlTokenizer({
        root() {},
        openTag() {
            elements += 1;
        },
        closeTag() {},
        text() {}
    });
    tokenizer.collectText = false;
    const input = new ChunkDecoder();
    const write = (text: string): void => {
        try {
            tokenizer.write(text);
        } catch (error) {
            if (!(error instanceof XmlSyntaxError || error instanceof XmlLimitError)) throw error;
            const reason = error instanceof XmlSyntaxError ? error.reason : error.message;
            throw new ConnectorError('protocol', `malformed XML at ${tokenizer.position()}: ${reason}`);
        }
    };
    for await (const chunk of body) {
        const text = input.decode(chunk);
        for (let offset = 0; offset < text.length; offset += MAX_WRITE_CHARS) {
            write(text.length <= MAX_WRITE_CHARS ? text : text.slice(offset, offset + MAX_WRITE_CHARS));
        }
    }
    write(input.end());
    if (tokenizer.depth > 0 || !tokenizer.rootClosed) {
        throw new ConnectorError('protocol', `malformed XML at ${tokenizer.position()}: the document ended early`);
    }
    return { bytes: input.bytes, elements };
}
