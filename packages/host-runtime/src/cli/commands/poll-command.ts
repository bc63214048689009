import { resolve } from 'node:path';
import type { Command } from 'commander';
import { PollRunner } from '../../scheduler/poll-runner.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from '../cli-error.js';
import { addConfigOption, type CliContext, type GlobalOptions } from '../cli-context.js';
import { writeLine, type CliIo, type CliStream } from '../cli-io.js';
import { applyConfigLogging, setUpLogging } from '../cli-logging.js';
import { describeDestination } from '../output-format.js';
import { PollProgressDisplay } from '../poll-progress.js';
import { formatPollReport, PollReporter, type PollReport } from '../poll-report.js';
import { RuntimeSession } from '../../service/runtime-session.js';
import { ShutdownSignals } from '../shutdown-signals.js';

/** Options of `signal-client poll`. */
export interface PollOptions extends GlobalOptions {
    config: string;
}

/** Adds `poll INSTANCE [--config FILE]`. */
export function addPollCommand(program: Command, context: CliContext): void {
    addConfigOption(
        program
            .command('poll')
            .summary('poll an instance once, now')
            .argument('<instance>', 'id of the configured instance')
            .description(
                'poll an instance once, now: every batch until the poll ends, delivered to the configured sink and ' +
                    'checkpointed in the state database (disabled instances too)'
            )
    ).action(async (instance: string, _options: unknown, command: Command) =>
        context.done(await pollCommand(context.io, instance, command.optsWithGlobals<PollOptions>()))
    );
}

/**
 * One complete poll through the configured sink and state, with progress, then a summary. Exit 0 on success, 1 on
 * failure (with the error's kind, message and hint), 130 when interrupted: Ctrl-C stops the poll at the next batch
 * boundary (what was acknowledged stays committed), a second Ctrl-C exits at once.
 */
export async function pollCommand(io: CliIo, instanceId: string, options: PollOptions): Promise<number> {
    const logging = setUpLogging(io, options);
    const session = await RuntimeSession.open({
        config: { path: resolve(io.cwd, options.config) },
        loggerFactory: logging.loggerFactory,
        onConfig: config => applyConfigLogging(logging, config.log),
        env: io.env,
        mode: 'persistent'
    });
    const stop = new AbortController();
    const signals = new ShutdownSignals(signal => {
        writeLine(
            io.stderr,
            `\nsignal-client: ${signal} again, exiting now; the next poll resumes from the last commit`
        );
        process.exit(EXIT_INTERRUPTED);
    });
    void signals.requested.then(signal => {
        session.logger.warn(`${signal}: stopping the poll at the next batch boundary (again to exit at once)`);
        stop.abort(new Error(`interrupted by ${signal}`));
    });
    try {
        const instance = session.instance(instanceId);
        const { host, state, sink, config } = session;
        if (!instance.enabled) session.logger.info(`Instance ${instance.id} is disabled; polling it as asked`);
        const runner = new PollRunner({ state, sink, clock: host.clock, redact: text => host.redact(text) });
        const progress = new PollProgressDisplay({ statusLine: logging.statusLine, logger: session.logger });
        runner.addListener(progress.onPollEvent);
        const reported = new Promise<PollReport>(done => {
            runner.addListener(new PollReporter({ sink, onReport: done }).onPollEvent);
        });
        const outcome = await runner.run(instance, { signal: stop.signal });
        progress.dispose();
        // With the stdout sink, stdout carries the artifacts: the summary goes to stderr.
        const out: CliStream = config.sink.type === 'stdout' ? io.stderr : io.stdout;
        const destination = describeDestination(config.sink, instance.id);
        out.write(formatPollReport(await reported, { destination, now: host.clock.now() }));
        if (outcome.result === 'success') return EXIT_OK;
        return outcome.result === 'cancelled' ? EXIT_INTERRUPTED : EXIT_FAILURE;
    } finally {
        signals.dispose();
        await session.close();
    }
}
