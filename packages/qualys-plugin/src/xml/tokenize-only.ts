import { ConnectorError } from '@signal-connectors/connector-sdk';
import {
    ChunkDecoder,
    createXmlParser,
    isRecoverableXmlError,
    MAX_SAX_WRITE,
    xmlErrorReason,
    xmlPosition
} from './sax-input.js';

/**
 * Reads a body through the same decoding and parser setup as the host detection parser, with (near-)empty
 * handlers: the throughput of this pass is the practical limit the full parser is measured against.
 * Malformed XML fails as a `protocol` ConnectorError.
 */
export async function tokenizeOnly(body: AsyncIterable<Buffer | string>): Promise<{ bytes: number; elements: number }> {
    const parser = createXmlParser();
    const input = new ChunkDecoder();
    let elements = 0;
    parser.on('opentag', () => {
        elements += 1;
    });
    parser.on('error', error => {
        const reason = xmlErrorReason(error);
        if (isRecoverableXmlError(reason)) return;
        throw new ConnectorError('protocol', `malformed XML at ${xmlPosition(parser)}: ${reason}`);
    });
    for await (const chunk of body) {
        const text = input.decode(chunk);
        for (let offset = 0; offset < text.length; offset += MAX_SAX_WRITE) {
            parser.write(text.length <= MAX_SAX_WRITE ? text : text.slice(offset, offset + MAX_SAX_WRITE));
        }
    }
    parser.write(input.end()).close();
    return { bytes: input.bytes, elements };
}
