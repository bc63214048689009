import { AdminServer } from '../admin/admin-server.js';
import { parseListenAddress } from '../admin/listen-address.js';
import { buildCatalog } from '../discovery/catalog.js';
import { PollRunner } from '../scheduler/poll-runner.js';
import { Scheduler, type StopResult } from '../scheduler/scheduler.js';
import { CliError } from './cli-error.js';
import type { CliIo, CliStream } from './cli-io.js';
import { describeDestination } from './output-format.js';
import { PollProgressDisplay } from './poll-progress.js';
import { formatPollReport, PollReporter, type PollReport } from './poll-report.js';
import type { RuntimeSession } from './runtime-session.js';
import type { StatusLine } from './status-line.js';

/** Options of {@link RuntimeService.start}. */
export interface RuntimeServiceOptions {
    session: RuntimeSession;
    io: CliIo;
    /** The terminal's progress line, if stderr is a terminal. */
    statusLine?: StatusLine;
    /** Print a summary after every poll. */
    printSummaries: boolean;
    /** When the configured admin port is taken, listen on a free port instead of failing (the demo). */
    adminPortFallback?: boolean;
    /** Receives each poll's report, after its summary was printed. */
    onReport?: (report: PollReport) => void;
}

/**
 * The long-running service: the scheduler polls every enabled instance, the admin API serves probes, metrics and
 * status, progress is shown as polls run. {@link stop} stops it in the order that loses nothing: not ready, no new
 * polls, in-flight polls stopped at a batch boundary, admin API closed.
 */
export class RuntimeService {
    private constructor(
        readonly scheduler: Scheduler,
        private readonly progress: PollProgressDisplay,
        /** Absent when the config turns the admin API off. */
        readonly admin: AdminServer | undefined
    ) {}

    /** Wires runner, metrics, progress, scheduler and admin API, then starts polling. */
    static async start(options: RuntimeServiceOptions): Promise<RuntimeService> {
        const { session, io } = options;
        const { host, state, sink, metrics, logger, config } = session;
        const runner = new PollRunner({ state, sink, clock: host.clock, redact: text => host.redact(text) });
        runner.addListener(metrics.onPollEvent);
        const progress = new PollProgressDisplay({ statusLine: options.statusLine, logger });
        runner.addListener(progress.onPollEvent);
        metrics.trackInstances(state, () => host.instances.map(i => ({ id: i.id, connector: i.connectorId })));
        const scheduler = new Scheduler(host.instances, {
            runner,
            state,
            clock: host.clock,
            logger,
            maxConcurrentPolls: config.maxConcurrentPolls
        });
        // Summaries are for people; with the stdout sink, stdout carries the artifacts and must stay pure JSON lines.
        const out: CliStream = config.sink.type === 'stdout' ? io.stderr : io.stdout;
        const reporter = new PollReporter({
            sink,
            nextRunAt: id => scheduler.status(id)?.nextRunAt,
            onReport: report => {
                if (options.printSummaries) {
                    options.statusLine?.clear();
                    const destination = describeDestination(config.sink, report.outcome.instanceId);
                    out.write(`${formatPollReport(report, { destination, now: host.clock.now() })}\n`);
                }
                options.onReport?.(report);
            }
        });
        runner.addListener(reporter.onPollEvent);

        let admin: AdminServer | undefined;
        if (config.admin.enabled) {
            const make = (listen: string): AdminServer =>
                new AdminServer({
                    listen,
                    logger,
                    host,
                    scheduler,
                    state,
                    metrics,
                    catalog: () => buildCatalog(session.discovery.plugins)
                });
            admin = await startAdmin(make, config.admin.listen, options.adminPortFallback === true, session);
        }
        scheduler.start();
        admin?.setReady(true);
        return new RuntimeService(scheduler, progress, admin);
    }

    /** The admin API's URL, once listening. */
    get adminUrl(): string | undefined {
        return this.admin?.address?.url;
    }

    /**
     * Stops: `/readyz` answers 503, no new polls start, in-flight polls stop at their next batch boundary (only
     * acknowledged batches are committed) and are waited for up to `timeoutMs`; then the admin API closes.
     */
    async stop(timeoutMs: number): Promise<StopResult> {
        this.admin?.setReady(false);
        const result = await this.scheduler.stop({ timeoutMs });
        this.progress.dispose();
        await this.admin?.close();
        return result;
    }
}

/** Starts the admin API; a taken port fails with advice, or (demo) falls back to a free port. */
async function startAdmin(
    make: (listen: string) => AdminServer,
    listen: string,
    fallback: boolean,
    session: RuntimeSession
): Promise<AdminServer> {
    try {
        const admin = make(listen);
        await admin.start();
        return admin;
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' && fallback) {
            session.logger.warn(`Admin API port ${listen} is in use; listening on a free port instead`);
            const admin = make(`${parseListenAddress(listen).host}:0`);
            await admin.start();
            return admin;
        }
        const why = code === 'EADDRINUSE' ? 'the address is in use (another signal-client?)' : (error as Error).message;
        throw new CliError(`the admin API cannot listen on ${listen}: ${why}`, {
            details: ['stop the other process, or set admin.listen to another address (or admin.enabled: false)'],
            cause: error
        });
    }
}
