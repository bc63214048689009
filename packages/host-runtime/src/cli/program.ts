import { Command, CommanderError } from 'commander';
import { ServiceError } from '../service/service-error.js';
import { CliError, EXIT_FAILURE, EXIT_OK } from './cli-error.js';
import { processIo, writeLine, type CliIo } from './cli-io.js';
import { addLoggingOptions, type CliContext } from './cli-context.js';
import { addCatalogCommand } from './commands/catalog-command.js';
import { addPollCommand } from './commands/poll-command.js';
import { addRunCommand } from './commands/run-command.js';
import { addScaffoldCommand } from './commands/scaffold-command.js';
import { addStatusCommand } from './commands/status-command.js';
import { addTestCommand } from './commands/test-command.js';
import { addValidateCommand } from './commands/validate-command.js';
import { runtimeVersion } from '../service/runtime-paths.js';

/** Builds the `signal-client` command line: global options and every command, writing to `io`. */
export function createProgram(context: CliContext): Command {
    const { io } = context;
    const program = addLoggingOptions(new Command('signal-client'))
        .description(
            'signal-client: runs connector plugins (such as signal-client.qualys) on a schedule and delivers what they ' +
                'collect, at least once, to a sink.'
        )
        .version(runtimeVersion(), '-V, --version', 'print the version')
        .configureOutput({ writeOut: text => io.stdout.write(text), writeErr: text => io.stderr.write(text) })
        .showHelpAfterError('(signal-client --help lists the commands and options)')
        .configureHelp({ showGlobalOptions: true })
        .exitOverride();
    addCatalogCommand(program, context);
    addValidateCommand(program, context);
    addTestCommand(program, context);
    addPollCommand(program, context);
    addRunCommand(program, context);
    addStatusCommand(program, context);
    addScaffoldCommand(program, context);
    program.addHelpText(
        'after',
        '\nExamples:\n' +
            '  signal-client catalog\n' +
            '  signal-client validate --config signal-client.yaml\n' +
            '  signal-client test qualys-prod --config signal-client.yaml\n' +
            '  signal-client poll qualys-prod --config signal-client.yaml\n' +
            '  signal-client run --config signal-client.yaml\n' +
            '  signal-client scaffold ./acme-widgets --id acme.widgets\n'
    );
    return program;
}

/**
 * Runs the command line `args` (without `node` and the script) and resolves with the exit code. Failures are
 * printed to stderr in words (`signal-client: ...` and one line per problem), never as a stack trace (a bug's
 * stack is printed only with `LOG_LEVEL=debug`).
 */
export async function runCli(args: readonly string[], io: CliIo = processIo()): Promise<number> {
    let exitCode = EXIT_OK;
    const program = createProgram({ io, done: code => (exitCode = code) });
    try {
        await program.parseAsync([...args], { from: 'user' });
        return exitCode;
    } catch (error) {
        return reportFailure(io, error);
    }
}

/** Prints a failure and returns its exit code. */
export function reportFailure(io: CliIo, error: unknown): number {
    // Commander already printed its message (or the help / version it was asked for).
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ServiceError) {
        writeLine(io.stderr, `signal-client: ${error.message}`);
        for (const line of error.details) writeLine(io.stderr, `  ${line}`);
        return error instanceof CliError ? error.exitCode : EXIT_FAILURE;
    }
    const debug = io.env.LOG_LEVEL?.trim().toLowerCase() === 'debug';
    const text =
        error instanceof Error
            ? debug
                ? (error.stack ?? error.message)
                : `${error.name}: ${error.message}`
            : String(error);
    const more = debug ? '' : ' (LOG_LEVEL=debug adds the stack trace)';
    writeLine(io.stderr, `signal-client: unexpected error (please report it, with this output${more}): ${text}`);
    return EXIT_FAILURE;
}
