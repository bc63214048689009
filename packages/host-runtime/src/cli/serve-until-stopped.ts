import { formatDuration } from '@signal-connectors/connector-sdk';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from './cli-error.js';
import { writeLine } from './cli-io.js';
import type { RuntimeServiceOptions } from './runtime-service.js';
import { RuntimeService } from './runtime-service.js';
import { ShutdownSignals } from './shutdown-signals.js';

/** How long in-flight polls get to reach a batch boundary when the service stops (default 30 s). */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

/** Options of {@link serveUntilStopped}. */
export interface ServeOptions extends RuntimeServiceOptions {
    shutdownTimeoutMs?: number;
    /** Stops the service when it settles, as a signal would (the demo's `--demo-polls`). */
    stopWhen?: Promise<unknown>;
    /** Called once the service runs, e.g. to print a banner. */
    onStarted?: (service: RuntimeService) => void;
    /** Also say on stderr that the service stops (when info lines are not logged, a person still sees it). */
    announceStop?: boolean;
}

/**
 * Runs the service until SIGINT/SIGTERM (or `stopWhen`), then stops it without losing anything: no new polls,
 * in-flight polls stop at a batch boundary, only acknowledged batches are committed. Resolves with the exit code:
 * 0 after a clean stop; 1, naming what still ran, when polls did not stop within the timeout. A second signal
 * exits at once (130). The session is closed in every case.
 */
export async function serveUntilStopped(options: ServeOptions): Promise<number> {
    const { session, io } = options;
    const timeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    const signals = new ShutdownSignals(signal => {
        options.statusLine?.clear();
        writeLine(
            io.stderr,
            `\nsignal-client: ${signal} again, exiting now; polls in flight resume from their last committed ` +
                'checkpoint on the next start'
        );
        process.exit(EXIT_INTERRUPTED);
    });
    let forced = false;
    try {
        const service = await RuntimeService.start(options);
        options.onStarted?.(service);
        const signal = await Promise.race([signals.requested, options.stopWhen?.then(() => undefined) ?? never()]);
        if (options.announceStop === true && signal !== undefined) {
            options.statusLine?.clear();
            writeLine(
                io.stderr,
                `\nStopping: a poll in flight stops at its next batch boundary (${signal} again exits at once)`
            );
        }
        session.logger.info(
            `Stopping${signal === undefined ? '' : ` on ${signal}`}: no new polls; polls in flight stop at their next ` +
                `batch boundary (waiting up to ${formatDuration(timeoutMs)}${signal === undefined ? '' : `; ${signal} again exits at once`})`
        );
        const result = await service.stop(timeoutMs);
        if (result.completed) {
            session.logger.info('Stopped: every poll in flight ended at a batch boundary');
            return EXIT_OK;
        }
        forced = true;
        options.statusLine?.clear();
        writeLine(
            io.stderr,
            `signal-client: stopped waiting after ${formatDuration(timeoutMs)}; still running: ` +
                `${result.stillRunning.join(', ')}. Exiting anyway: their committed checkpoints are kept and the ` +
                'unacknowledged batches are fetched again on the next start'
        );
        return EXIT_FAILURE;
    } finally {
        signals.dispose();
        await session.close({ force: forced });
    }
}

/** A promise that never settles: `Promise.race` with nothing else to wait for. */
function never(): Promise<undefined> {
    return new Promise(() => undefined);
}
