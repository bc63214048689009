import { formatDuration } from '@signal-connectors/connector-sdk';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { RuntimeService, type RuntimeServiceOptions } from '../service/runtime-service.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from './cli-error.js';
import { writeLine, type CliIo, type CliStream } from './cli-io.js';
import type { CliLogging } from './cli-logging.js';
import { describeDestination } from './output-format.js';
import { PollProgressDisplay } from './poll-progress.js';
import { formatPollReport, PollReporter, type PollReport } from './poll-report.js';
import { ShutdownSignals } from './shutdown-signals.js';

import { DEFAULT_SHUTDOWN_TIMEOUT_MS } from './shutdown-timeout.js';

export { DEFAULT_SHUTDOWN_TIMEOUT_MS };

/** Options of {@link serveUntilStopped}. */
export interface ServeOptions extends Pick<RuntimeServiceOptions, 'adminPortFallback' | 'onComposed'> {
    config: RuntimeConfig;
    io: CliIo;
    logging: CliLogging;
    /** Print a summary after every poll. */
    printSummaries: boolean;
    shutdownTimeoutMs?: number;
    /** Stops the service when it settles, as a signal would (the demo's `--demo-polls`). */
    stopWhen?: Promise<unknown>;
    /** Called once the service runs, e.g. to print a banner (the default prints the console's login link). */
    onStarted?: (service: RuntimeService) => void;
    /** Receives each poll's report, after its summary was printed. */
    onReport?: (report: PollReport) => void;
    /** Also say on stderr that the service stops (when info lines are not logged, a person still sees it). */
    announceStop?: boolean;
}

/**
 * Runs the service until SIGINT/SIGTERM (or `stopWhen`), showing progress and poll summaries, then stops it
 * without losing anything: no new polls, in-flight polls stop at a batch boundary, only acknowledged batches are
 * committed. Resolves with the exit code: 0 after a clean stop; 1, naming what still ran, when polls did not
 * stop within the timeout. A second signal exits at once (130).
 */
export async function serveUntilStopped(options: ServeOptions): Promise<number> {
    const { io, config, logging } = options;
    const timeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    const statusLine = logging.statusLine;
    const signals = new ShutdownSignals(signal => {
        statusLine?.clear();
        writeLine(
            io.stderr,
            `\nsignal-client: ${signal} again, exiting now; polls in flight resume from their last committed ` +
                'checkpoint on the next start'
        );
        process.exit(EXIT_INTERRUPTED);
    });
    const progress = new PollProgressDisplay({ statusLine, logger: logging.loggerFactory.create({ component: 'cli' }) });
    // Summaries are for people; with the stdout sink, stdout carries the artifacts and must stay pure JSON lines.
    const out: CliStream = config.sink.type === 'stdout' ? io.stderr : io.stdout;
    let service: RuntimeService | undefined;
    const reporter = new PollReporter({
        // The session's sink counts what it acknowledged, by artifact type.
        sink: { take: id => service?.session.sink.take(id) ?? {} },
        nextRunAt: id => service?.scheduler.status(id)?.nextRunAt,
        onReport: report => {
            if (options.printSummaries) {
                statusLine?.clear();
                const destination = describeDestination(config.sink, report.outcome.instanceId);
                out.write(`${formatPollReport(report, { destination, now: Date.now() })}\n`);
            }
            options.onReport?.(report);
        }
    });
    let forced = false;
    try {
        service = await RuntimeService.start({
            config,
            loggerFactory: logging.loggerFactory,
            env: io.env,
            listeners: [progress.onPollEvent, reporter.onPollEvent],
            ...(options.adminPortFallback === undefined ? {} : { adminPortFallback: options.adminPortFallback }),
            ...(options.onComposed === undefined ? {} : { onComposed: options.onComposed })
        });
        if (options.onStarted !== undefined) options.onStarted(service);
        else printLoginLink(io, service);
        const logger = service.session.logger;
        const signal = await Promise.race([signals.requested, options.stopWhen?.then(() => undefined) ?? never()]);
        if (options.announceStop === true && signal !== undefined) {
            statusLine?.clear();
            writeLine(io.stderr, `\nStopping: a poll in flight stops at its next batch boundary (${signal} again exits at once)`);
        }
        logger.info(
            `Stopping${signal === undefined ? '' : ` on ${signal}`}: no new polls; polls in flight stop at their next ` +
                `batch boundary (waiting up to ${formatDuration(timeoutMs)}${signal === undefined ? '' : `; ${signal} again exits at once`})`
        );
        const result = await service.stop(timeoutMs);
        progress.dispose();
        if (result.completed) {
            logger.info('Stopped: every poll in flight ended at a batch boundary');
            return EXIT_OK;
        }
        forced = true;
        statusLine?.clear();
        writeLine(
            io.stderr,
            `signal-client: stopped waiting after ${formatDuration(timeoutMs)}; still running: ` +
                `${result.stillRunning.join(', ')}. Exiting anyway: their committed checkpoints are kept and the ` +
                'unacknowledged batches are fetched again on the next start'
        );
        return EXIT_FAILURE;
    } finally {
        progress.dispose();
        signals.dispose();
        await service?.close({ force: forced });
    }
}

/** Prints where the console is and its one-time login link (as Jupyter does), to stdout. */
export function printLoginLink(io: CliIo, service: RuntimeService): void {
    const link = service.loginUrl();
    if (link === undefined) return;
    writeLine(io.stdout, `Console: ${service.adminUrl}  (log in once with this link: ${link})`);
    if (service.tokenFile !== undefined) writeLine(io.stdout, `         API token in ${service.tokenFile}`);
}

/** A promise that never settles: `Promise.race` with nothing else to wait for. */
function never(): Promise<undefined> {
    return new Promise(() => undefined);
}
