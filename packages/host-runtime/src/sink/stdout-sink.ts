import type { Writable } from 'node:stream';
import type { Artifact } from '@signal-connectors/connector-sdk';
import type { ArtifactSink } from './artifact-sink.js';
import { SinkError, toJsonLines } from './sink-error.js';

/** Options of {@link StdoutSink}. */
export interface StdoutSinkOptions {
    /** Where the lines go (default `process.stdout`). */
    stream?: Writable;
    /** Size of the pieces handed to the stream, in characters (default 64 KiB). */
    chunkSize?: number;
    /** End the stream on close (default: only when it is not `process.stdout`). */
    endOnClose?: boolean;
}

/**
 * Writes artifacts as JSON lines (one artifact per line) to a stream, standard output by default, e.g. for
 * piping into another tool. `write` resolves once the stream has taken every byte (its write callbacks ran),
 * and waits for `drain` whenever the stream asks to, so a slow reader slows the poll down instead of filling
 * memory. Standard output has no fsync: "flushed" means handed to the operating system.
 */
export class StdoutSink implements ArtifactSink {
    private readonly stream: Writable;
    private readonly chunkSize: number;
    private readonly endOnClose: boolean;
    private queue: Promise<void> = Promise.resolve();
    private failure: Error | undefined;
    private closed = false;

    constructor(options: StdoutSinkOptions = {}) {
        this.stream = options.stream ?? process.stdout;
        this.chunkSize = options.chunkSize ?? 64 * 1024;
        this.endOnClose = options.endOnClose ?? this.stream !== process.stdout;
        // A stream error (e.g. EPIPE when the reader went away) must fail the next write, not crash the process.
        this.stream.on('error', error => {
            this.failure ??= error;
        });
    }

    write(_instanceId: string, artifacts: readonly Artifact[]): Promise<void> {
        if (this.closed) return Promise.reject(new SinkError('stdout', 'the stdout sink is closed'));
        if (artifacts.length === 0) return Promise.resolve();
        // Batches from several instances must not interleave their chunks.
        const next = this.queue.then(
            () => this.writeBatch(artifacts),
            () => this.writeBatch(artifacts)
        );
        this.queue = next;
        return next;
    }

    async close(): Promise<void> {
        this.closed = true;
        await this.queue.catch(() => undefined);
        if (this.endOnClose && !this.stream.writableEnded) {
            await new Promise<void>(done => this.stream.end(done));
        }
    }

    private async writeBatch(artifacts: readonly Artifact[]): Promise<void> {
        const text = toJsonLines(artifacts);
        const written: Promise<void>[] = [];
        for (let start = 0; start < text.length; start += this.chunkSize) {
            this.throwIfBroken();
            const chunk = text.slice(start, start + this.chunkSize);
            let ready = true;
            const accepted = new Promise<void>((done, fail) => {
                ready = this.stream.write(chunk, error => (error == null ? done() : fail(error)));
            });
            // Awaited below; until then a failure must not count as an unhandled rejection.
            accepted.catch(() => undefined);
            written.push(accepted);
            if (!ready) await this.drained();
        }
        try {
            await Promise.all(written);
        } catch (error) {
            throw this.brokenError(error as Error);
        }
        this.throwIfBroken();
    }

    /** Resolves on `drain`; rejects when the stream fails or closes first. */
    private drained(): Promise<void> {
        return new Promise((done, fail) => {
            const cleanUp = (): void => {
                this.stream.off('drain', onDrain);
                this.stream.off('error', onError);
                this.stream.off('close', onClose);
            };
            const onDrain = (): void => {
                cleanUp();
                done();
            };
            const onError = (error: Error): void => {
                cleanUp();
                fail(this.brokenError(error));
            };
            const onClose = (): void => {
                cleanUp();
                fail(this.brokenError(new Error('the stream was closed')));
            };
            this.stream.on('drain', onDrain);
            this.stream.on('error', onError);
            this.stream.on('close', onClose);
        });
    }

    private throwIfBroken(): void {
        if (this.failure !== undefined) throw this.brokenError(this.failure);
        if (this.stream.destroyed || this.stream.writableEnded)
            throw this.brokenError(new Error('the stream is closed'));
    }

    private brokenError(cause: Error): SinkError {
        return new SinkError(
            'stdout',
            `cannot write artifacts to standard output (${cause.message}): check that the process reading it is ` +
                'still running. The batch will be written again.',
            { code: (cause as NodeJS.ErrnoException).code, cause }
        );
    }
}
