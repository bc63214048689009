import { Readable } from 'node:stream';

/** Options of an {@link IdleTimeoutReadable}. */
export interface IdleTimeoutReadableOptions {
    /** Longest wait for the next chunk while the reader wants data; 0 or Infinity disables the timer. */
    idleMs: number;
    /** The error the stream fails with when the source stays silent too long. */
    onIdle: () => Error;
    /** Maps an error of the source (e.g. a connection reset mid-body) to the error readers see. */
    mapError: (error: unknown) => Error;
}

/**
 * Re-emits a response body, failing it when the server goes silent. The timer only runs while the reader
 * is asking for data: a slow consumer applying backpressure is not mistaken for a stalled server.
 */
export class IdleTimeoutReadable extends Readable {
    private timer: NodeJS.Timeout | undefined;
    private flowing = false;

    constructor(
        private readonly source: Readable,
        private readonly options: IdleTimeoutReadableOptions
    ) {
        super();
        // Paused before listening, so that adding the 'data' listener does not start the flow by itself.
        source.pause();
        source.on('data', (chunk: Buffer | string) => this.onData(chunk));
        source.once('end', () => {
            this.clearTimer();
            this.push(null);
        });
        source.on('error', (error: unknown) => {
            this.clearTimer();
            this.destroy(options.mapError(error));
        });
        source.once('close', () => {
            // A source closed before its end (destroyed without an error) must not leave us waiting forever.
            if (!source.readableEnded && !this.destroyed) {
                this.destroy(
                    options.mapError(
                        Object.assign(new Error('premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })
                    )
                );
            }
        });
    }

    override _read(): void {
        this.flowing = true;
        this.armTimer();
        this.source.resume();
    }

    override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
        this.clearTimer();
        if (!this.source.destroyed) {
            this.source.destroy();
        }
        callback(error);
    }

    private onData(chunk: Buffer | string): void {
        this.clearTimer();
        if (this.push(chunk)) {
            this.armTimer();
        } else {
            // The reader is full: stop reading from the socket, and stop counting silence, until it asks again.
            this.flowing = false;
            this.source.pause();
        }
    }

    private armTimer(): void {
        this.clearTimer();
        const { idleMs } = this.options;
        // Beyond the 32-bit timer limit Node would fire at once; such a delay means no timeout.
        if (!this.flowing || this.destroyed || !(idleMs > 0) || idleMs > 2_147_483_647) {
            return;
        }
        this.timer = setTimeout(() => this.destroy(this.options.onIdle()), idleMs);
    }

    private clearTimer(): void {
        if (this.timer !== undefined) {
            clearTimeout(this.timer);
            this.timer = undefined;
        }
    }
}
