import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '@signal-connectors/connector-sdk';
import { addConfigOption, type CliContext, type GlobalOptions } from '../cli-context.js';
import type { CliIo } from '../cli-io.js';
import { applyConfigLogging, setUpLogging, type CliLogging } from '../cli-logging.js';
import { loadConfigOrFail } from '../../service/runtime-session.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS } from '../shutdown-timeout.js';

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
    const config = await loadConfigOrFail(configPath, io.env);
    applyConfigLogging(logging, config.log);
    // Loaded only here: the scheduler and the admin API (HTTP server, metrics) are no part of the other commands.
    const { serveUntilStopped } = await import('../serve-until-stopped.js');
    return serveUntilStopped({
        config,
        io,
        logging,
        printSummaries: io.stdout.isTTY === true,
        ...(shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs })
    });
}

function parseTimeout(text: string): number {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) throw new InvalidArgumentError("expected a duration such as '30s' or '2m'");
    return ms;
}
