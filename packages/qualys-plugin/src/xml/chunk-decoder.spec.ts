import { expect } from 'chai';
import { ChunkDecoder } from './chunk-decoder.js';

/** Decodes `bytes` in pieces of `size`; the text, and the line feeds counted per piece, summed. */
function decoded(bytes: Buffer, size: number): { text: string; newlines: number } {
    const decoder = new ChunkDecoder();
    let text = '';
    let newlines = 0;
    for (let offset = 0; offset < bytes.length; offset += size) {
        const piece = decoder.decode(bytes.subarray(offset, offset + size));
        expect(decoder.newlines, `pieces of ${size}`).to.equal(piece.split('\n').length - 1);
        text += piece;
        newlines += decoder.newlines;
    }
    return { text: text + decoder.end(), newlines };
}

describe('ChunkDecoder', () => {
    // Offset by one byte in its buffer, so that the pieces start at every alignment.
    const source = 'a\u0001b\n\tÜnï\r\ncødé 🚀\u001f\u000b\n'.repeat(5);
    const bytes = Buffer.concat([Buffer.from('x'), Buffer.from(source)]).subarray(1);

    it('decodes UTF-8 split anywhere, removes the control characters XML forbids and counts line feeds', () => {
        const expected = source.replaceAll('\u0001', '').replaceAll('\u001f', '').replaceAll('\u000b', '');
        for (let size = 1; size <= 23; size += 1) {
            expect(decoded(bytes, size), `pieces of ${size}`).to.deep.equal({ text: expected, newlines: 15 });
        }
    });

    it('counts bytes, strings by their UTF-8 length', () => {
        const decoder = new ChunkDecoder();
        decoder.decode(bytes.subarray(0, 10));
        expect(decoder.decode('Ü\u0002')).to.equal('Ü');
        expect(decoder.newlines).to.equal(-1);
        expect(decoder.bytes).to.equal(13);
    });
});
