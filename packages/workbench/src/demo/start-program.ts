import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import {
    addLoggingOptions,
    CliError,
    type CliIo,
    DEFAULT_CONFIG_FILE,
    type GlobalOptions,
    processIo,
    reportFailure,
    serveConfig,
    setUpLogging
} from '@signal-connectors/host-runtime';
import { runDemo } from './demo-runner.js';

/** Options of `npm start`. */
export interface StartOptions extends GlobalOptions {
    config?: string;
    demoPolls?: number;
}

/** Environment variable equivalent of `--demo-polls`. */
export const DEMO_POLLS_ENV = 'SIGNAL_DEMO_POLLS';

/**
 * What `npm start` runs (`npm start -- [options]`): the service of `--config FILE` or of `./signal-client.yaml`
 * when there is one, as `signal-client run` would; otherwise the sandbox demo. Resolves with the exit code.
 */
export async function runStart(args: readonly string[], io: CliIo = processIo()): Promise<number> {
    let exitCode = 0;
    const program = addLoggingOptions(new Command('npm start --'))
        .description(
            `Runs signal-client: the config given with --config, or ./${DEFAULT_CONFIG_FILE} if it exists (like ` +
                "'signal-client run'); otherwise a demo that polls a built-in Qualys sandbox (synthetic data)."
        )
        .option('-c, --config <file>', 'run this config file instead of the demo')
        .option(
            '--demo-polls <count>',
            `demo only: stop after this many polls, polling every 2s (also ${DEMO_POLLS_ENV})`,
            positiveInteger
        )
        .configureOutput({ writeOut: text => io.stdout.write(text), writeErr: text => io.stderr.write(text) })
        .exitOverride()
        .action(async (options: StartOptions) => {
            const configFile =
                options.config ?? (existsSync(join(io.cwd, DEFAULT_CONFIG_FILE)) ? DEFAULT_CONFIG_FILE : undefined);
            if (configFile !== undefined) {
                if (options.demoPolls !== undefined) {
                    throw new CliError(`--demo-polls only applies to the demo, not to ${configFile}`);
                }
                exitCode = await serveConfig(io, setUpLogging(io, options), resolve(io.cwd, configFile));
                return;
            }
            const polls = options.demoPolls ?? pollsFromEnv(io.env[DEMO_POLLS_ENV]);
            // On a terminal the progress line and the summaries tell the story; the service's log is for --log-level.
            const logging = setUpLogging(io, options, io.stderr.isTTY === true ? 'warn' : 'info');
            exitCode = await runDemo(io, logging, polls === undefined ? {} : { polls });
        });
    try {
        await program.parseAsync([...args], { from: 'user' });
        return exitCode;
    } catch (error) {
        return reportFailure(io, error);
    }
}

function positiveInteger(text: string): number {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('expected a whole number, 1 or more');
    return value;
}

function pollsFromEnv(text: string | undefined): number | undefined {
    if (text === undefined || text.trim() === '') return undefined;
    try {
        return positiveInteger(text.trim());
    } catch {
        throw new CliError(`${DEMO_POLLS_ENV}='${text}' is not a whole number, 1 or more`);
    }
}
