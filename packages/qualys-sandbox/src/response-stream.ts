import type { ServerResponse } from 'node:http';

/** A fault that breaks a streamed response after a number of records (hosts, vulns or scans). */
export interface StreamFault {
    /** `reset` destroys the socket; `truncate` ends the HTTP response cleanly in the middle of the document. */
    type: 'reset' | 'truncate';
    /** Records written before the fault fires (0 = right after the response header). */
    afterRecords: number;
}

const DEFAULT_CHUNK_CHARS = 64 * 1024;

/**
 * Buffered, backpressure-aware writer for large XML responses. Text is gathered into ~64 KB chunks; when
 * `res.write` reports a full socket buffer the producer awaits 'drain', so generating a gigabyte costs the server
 * only a chunk or two of memory. It also applies reset/truncate faults at record boundaries.
 */
export class ResponseStream {
    private parts: string[] = [];
    private size = 0;
    private gone = false;
    private faultFired = false;
    /** Records (hosts, vulns, scans) completed so far. */
    records = 0;
    /** Characters handed to the socket so far (bytes for ASCII output). */
    charsWritten = 0;
    private readonly startedAt = Date.now();

    /**
     * @param res the response; headers must already be set, the first flush sends them.
     * @param fault optional reset/truncate fault to fire at a record boundary.
     * @param bytesPerSec optional pace: each chunk is handed over no sooner than this rate allows, as a server that
     *   produces its answer slower than the client reads it would (Qualys takes minutes per large page).
     * @param onSent optional: told the UTF-8 size of each piece of the body as it is handed to the socket.
     */
    constructor(
        private readonly res: ServerResponse,
        private readonly fault?: StreamFault,
        private readonly chunkChars = DEFAULT_CHUNK_CHARS,
        private readonly bytesPerSec?: number,
        private readonly onSent?: (bytes: number) => void
    ) {
        res.on('close', () => {
            if (!res.writableFinished) this.gone = true;
        });
    }

    /** True once the client disconnected or a fault ended the response; producers should stop. */
    get stopped(): boolean {
        return this.gone || this.faultFired || this.res.destroyed;
    }

    /** Queues text; nothing reaches the socket until a flush. */
    write(text: string): void {
        this.parts.push(text);
        this.size += text.length;
    }

    /**
     * Marks the end of one record: fires the fault when due, otherwise flushes if the buffer is full. Resolves
     * false when the producer should stop (fault fired or client gone).
     */
    async endRecord(): Promise<boolean> {
        this.records++;
        if (await this.fireFaultIfDue()) return false;
        if (this.size >= this.chunkChars) await this.flush();
        return !this.stopped;
    }

    /** Fires the fault if `afterRecords` has been reached; resolves true when it fired. */
    async fireFaultIfDue(force = false): Promise<boolean> {
        if (!this.fault || this.faultFired || (!force && this.records < this.fault.afterRecords)) return false;
        this.faultFired = true;
        const chunk = this.take();
        // Wait until the partial document is really handed to the socket, so the client sees it before the cut.
        if (chunk) await new Promise<void>(resolve => this.res.write(chunk, () => resolve()));
        else this.res.flushHeaders();
        if (this.fault.type === 'reset') this.res.socket?.destroy();
        else this.res.end();
        return true;
    }

    /** Sends the buffered text, waiting for 'drain' (or disconnect) when the socket buffer is full. */
    async flush(): Promise<void> {
        const chunk = this.take();
        if (!chunk || this.stopped) return;
        await this.pace();
        if (this.stopped) return;
        if (!this.res.write(chunk)) await this.waitForDrain();
    }

    /**
     * Writes the closing text and ends the response, unless a pending fault cuts it short first. Resolves true
     * when the complete document was handed to the socket.
     */
    async end(closingText: string): Promise<boolean> {
        if (this.stopped) return false;
        if (await this.fireFaultIfDue(true)) return false;
        this.write(closingText);
        const chunk = this.take();
        await this.pace();
        await new Promise<void>(resolve => {
            this.res.end(chunk, () => resolve());
            this.res.once('close', () => resolve());
        });
        return !this.gone;
    }

    private take(): string {
        if (this.parts.length === 0) return '';
        const chunk = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
        this.parts = [];
        this.size = 0;
        this.charsWritten += chunk.length;
        this.onSent?.(Buffer.byteLength(chunk));
        return chunk;
    }

    /** Waits until the characters taken so far are due at `bytesPerSec` since the response started. */
    private async pace(): Promise<void> {
        if (this.bytesPerSec === undefined) return;
        const dueInMs = (this.charsWritten / this.bytesPerSec) * 1000 - (Date.now() - this.startedAt);
        if (dueInMs > 0) await new Promise(resolve => setTimeout(resolve, dueInMs));
    }

    private waitForDrain(): Promise<void> {
        return new Promise(resolve => {
            const done = (): void => {
                this.res.off('drain', done);
                this.res.off('close', done);
                resolve();
            };
            this.res.on('drain', done);
            this.res.on('close', done);
        });
    }
}
