import { formatCount } from '@signal-connectors/connector-sdk';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import {
    CliError,
    type CliIo,
    type CliLogging,
    EXIT_FAILURE,
    EXIT_OK,
    formatTimestamp,
    plural,
    type PollReport,
    type RuntimeSession,
    serveUntilStopped,
    writeLine
} from '@signal-connectors/host-runtime';
import { formatDemoBanner } from './demo-banner.js';
import { DEMO_INSTANCE_ID, DEMO_TENANT, demoConfig } from './demo-config.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
    /** Stop after this many polls (for tests and CI); the interval is then 2 s instead of 1 min. */
    polls?: number;
}

/**
 * The `npm start` demo without a config: starts the Qualys sandbox on loopback, runs the service against it with
 * an in-memory config (state and artifacts under `./data`), prints a banner, progress and a summary per poll, and
 * moves the sandbox tenant on after each poll so that the next one delivers incremental changes. Stops on Ctrl-C
 * or after `polls` polls; exits 1 if a poll failed.
 */
export async function runDemo(io: CliIo, logging: CliLogging, options: DemoOptions = {}): Promise<number> {
    const sandbox = await QualysSandbox.start({ ...DEMO_TENANT, wallClock: true });
    try {
        const config = demoConfig({ cwd: io.cwd, sandbox, pollingInterval: options.polls === undefined ? '1m' : '2s' });
        let resuming = false;
        const onComposed = (session: RuntimeSession): void => {
            if (session.host.instance(DEMO_INSTANCE_ID) === undefined) {
                throw CliError.withProblems(
                    'the demo cannot run its Qualys instance (is @signal-connectors/qualys-plugin installed and built?):',
                    session.host.problems
                );
            }
            resuming = Object.keys(session.state.getCheckpoints(DEMO_INSTANCE_ID)).length > 0;
        };
        const quietLogs = !logging.levelChosen && io.stderr.isTTY === true;
        const counts = { polls: 0, failed: 0, artifacts: 0 };
        let finish = (): void => undefined;
        const finished = new Promise<void>(resolve => (finish = resolve));
        const onReport = (report: PollReport): void => {
            counts.polls++;
            counts.artifacts += report.outcome.artifacts;
            if (report.outcome.result === 'failed') counts.failed++;
            if (options.polls !== undefined && counts.polls >= options.polls) return finish();
            if (report.outcome.result !== 'success') return;
            const change = sandbox.advance();
            io.stdout.write(
                `Sandbox: the tenant moved on to ${formatTimestamp(change.now.getTime())}: ` +
                    `${plural(change.rescannedHosts, 'host')} re-scanned, ` +
                    `${plural(change.modifiedQids.length, 'KnowledgeBase QID')} modified; the next poll picks them up\n\n`
            );
        };
        const code = await serveUntilStopped({
            config,
            io,
            logging,
            onComposed,
            printSummaries: true,
            adminPortFallback: true,
            announceStop: quietLogs,
            stopWhen: finished,
            onReport,
            onStarted: service =>
                io.stdout.write(
                    formatDemoBanner({
                        config,
                        sandboxUrl: sandbox.url,
                        adminUrl: service.adminUrl,
                        loginUrl: service.loginUrl(),
                        tokenFile: service.tokenFile,
                        resuming,
                        polls: options.polls,
                        quietLogs,
                        cwd: io.cwd
                    })
                )
        });
        writeLine(
            io.stdout,
            `Demo stopped after ${plural(counts.polls, 'poll')} (${formatCount(counts.artifacts)} artifacts delivered). ` +
                `The data stays in ${config.dataDir}: artifacts under ${config.sink.type === 'jsonl' ? config.sink.path : config.dataDir}, ` +
                'the checkpoint in state.db; the next npm start resumes from it.'
        );
        return code === EXIT_OK && counts.failed > 0 ? EXIT_FAILURE : code;
    } finally {
        await sandbox.close();
    }
}
