import type { Readable } from 'node:stream';

/** What {@link readBody} read. */
export interface ReadBodyResult {
    text: string;
    /** True when the body was longer than the cap and only the first `maxBytes` are in `text`. */
    truncated: boolean;
}

/**
 * Reads a body into a UTF-8 string, at most `maxBytes` of it. Past the cap it stops reading and destroys the
 * stream (so the connection is not kept busy downloading what nobody will read), returning what it had.
 */
export async function readBody(body: Readable, maxBytes: number): Promise<ReadBodyResult> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        if (size + buffer.length > maxBytes) {
            chunks.push(buffer.subarray(0, maxBytes - size));
            size = maxBytes;
            body.destroy();
            return { text: decode(chunks, size), truncated: true };
        }
        chunks.push(buffer);
        size += buffer.length;
    }
    return { text: decode(chunks, size), truncated: false };
}

function decode(chunks: Buffer[], size: number): string {
    // A multi-byte character cut by the cap decodes to U+FFFD, which is acceptable for a truncated excerpt.
    return Buffer.concat(chunks, size).toString('utf8');
}
