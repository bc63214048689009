import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '@signal-connectors/connector-sdk';
import { CliError, formatProblem, plural } from '../cli-error.js';
import { addConfigOption, type CliContext, type GlobalOptions } from '../cli-context.js';
import type { CliIo } from '../cli-io.js';
import { setUpLogging, type CliLogging } from '../cli-logging.js';
import { RuntimeSession } from '../runtime-session.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, serveUntilStopped } from '../serve-until-stopped.js';

/** Options of `signal-client run`. */
export interface RunOptions extends GlobalOptions {
    config: string;
    /** Milliseconds. */
    shutdownTimeout?: number;
}

/** Adds `run [--config FILE] [--shutdown-timeout DURATION]`. */
export function addRunCommand(program: Command, context: CliContext): void {
    addConfigOption(
        program
            .command('run')
            .summary('run the service: scheduled polls and the admin API')
            .description(
                'run the service: poll every enabled instance on its schedule and serve the admin API (health, ' +
                    'metrics, status) until SIGTERM or Ctrl-C'
            )
            .option(
                '--shutdown-timeout <duration>',
                `how long polls in flight get to reach a batch boundary on shutdown (default ${DEFAULT_SHUTDOWN_TIMEOUT_MS / 1000}s)`,
                parseTimeout
            )
    ).action(async (_options: unknown, command: Command) =>
        context.done(await runCommand(context.io, command.optsWithGlobals<RunOptions>()))
    );
}

/** Loads the config and runs the service until it is stopped; see {@link serveConfig}. */
export async function runCommand(io: CliIo, options: RunOptions): Promise<number> {
    const logging = setUpLogging(io, options);
    return serveConfig(io, logging, resolve(io.cwd, options.config), options.shutdownTimeout);
}

/**
 * Runs the service of a config file (also what `npm start -- --config FILE` does). Refuses to start when an
 * instance has problems: a service that silently skips a misconfigured instance would leave a gap nobody sees.
 */
export async function serveConfig(
    io: CliIo,
    logging: CliLogging,
    configPath: string,
    shutdownTimeoutMs?: number
): Promise<number> {
    const session = await RuntimeSession.open({
        config: { path: configPath },
        logging,
        env: io.env,
        cwd: io.cwd,
        mode: 'persistent'
    });
    const { problems, instances } = session.host;
    if (problems.length > 0 || instances.length === 0) {
        await session.close();
        if (problems.length > 0) {
            throw new CliError(`not starting: ${configPath} has ${plural(problems.length, 'problem')}:`, {
                details: [
                    ...problems.map(formatProblem),
                    'fix them (signal-client validate lists them all), then start again'
                ]
            });
        }
        throw new CliError(`not starting: ${configPath} configures no instances`, {
            details: ['add one under instances: (signal-client catalog lists the connectors and their settings)']
        });
    }
    return serveUntilStopped({
        session,
        io,
        statusLine: logging.statusLine,
        printSummaries: io.stdout.isTTY === true,
        ...(shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs })
    });
}

function parseTimeout(text: string): number {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) throw new InvalidArgumentError("expected a duration such as '30s' or '2m'");
    return ms;
}
