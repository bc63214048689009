import { Writable } from 'node:stream';

/** A writable that keeps what was written, for reading log output. */
export class CapturedOutput extends Writable {
    text = '';

    override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
        this.text += chunk.toString();
        callback();
    }

    /** The JSON lines written so far, parsed. */
    lines(): Record<string, unknown>[] {
        return this.text
            .split('\n')
            .filter(line => line.trim() !== '')
            .map(line => JSON.parse(line) as Record<string, unknown>);
    }
}

/** Resolves after pending I/O callbacks ran: winston writes to its transports asynchronously. */
export function flushed(): Promise<void> {
    return new Promise(resolve => setImmediate(resolve));
}

/** Every form in which a thrown error may be shown: none may contain a secret. */
export function errorRenderings(error: unknown): string[] {
    const fields = error as { stack?: string; hint?: string; cause?: unknown };
    return [
        String(error),
        fields?.stack ?? '',
        JSON.stringify(error) ?? '',
        fields?.hint ?? '',
        String(fields?.cause ?? '')
    ];
}
