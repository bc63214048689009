import { fatalErrorReporter } from '../service/fatal-error-reporter.js';
import { closeHeldDatabases } from '../state/data-dir-lock.js';
import { EXIT_CRASHED } from './cli-error.js';
import { processIo, writeLine, type CliIo } from './cli-io.js';
import { exitWhenFlushed } from './exit-when-flushed.js';

/** How long the last lines get to reach stderr before the process exits anyway. */
const FLUSH_GRACE_MS = 2000;

/**
 * Handles what nothing else caught (an uncaught exception, an unhandled rejection, in a plugin or in the runtime):
 * says so in one line without a stack trace (the stack only with LOG_LEVEL=debug), through the logger of the running
 * session when there is one (see `reportFatalErrorsTo`), closes the state database
 * (checkpointing its WAL and giving back its lock), and exits with {@link EXIT_CRASHED}. Polls resume from their last
 * committed checkpoint on the next start: nothing acknowledged is lost, nothing unacknowledged was committed.
 */
export function installFatalErrorHandlers(io: CliIo = processIo()): void {
    let handling = false;
    const onFatal =
        (what: string) =>
        (error: unknown): void => {
            if (handling) return;
            handling = true;
            const message =
                `Stopping after an ${what} (please report it): the state database is closed and polls resume from ` +
                'their last committed checkpoint on the next start';
            try {
                const reporter = fatalErrorReporter();
                if (reporter !== undefined) reporter.error(message, { error });
                else writeLine(io.stderr, `signal-client: ${message}: ${describe(error, io.env)}`);
            } finally {
                closeHeldDatabases();
                setTimeout(() => process.exit(EXIT_CRASHED), FLUSH_GRACE_MS).unref();
                exitWhenFlushed(EXIT_CRASHED);
            }
        };
    process.on('uncaughtException', onFatal('uncaught exception'));
    process.on('unhandledRejection', onFatal('unhandled rejection'));
}

function describe(error: unknown, env: NodeJS.ProcessEnv): string {
    if (!(error instanceof Error)) return String(error);
    const debug = env.LOG_LEVEL?.trim().toLowerCase() === 'debug';
    return debug ? (error.stack ?? error.message) : `${error.name}: ${error.message}`;
}
