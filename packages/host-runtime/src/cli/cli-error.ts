import type { ConfigProblem } from '@signal-connectors/connector-sdk';
import { formatProblem, ServiceError } from '../service/service-error.js';

/** Exit code of a command that did what was asked. */
export const EXIT_OK = 0;
/** Exit code of a command that failed: bad config, failed poll or test, unknown instance, locked state... */
export const EXIT_FAILURE = 1;
/** Exit code after an error nothing caught (EX_SOFTWARE): the process closed its state and stopped. */
export const EXIT_CRASHED = 70;
/** Exit code after an interrupt (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/**
 * A failure the CLI reports in words and an exit code, without a stack trace: the message says what is wrong,
 * the details list every problem or the choices the user has.
 */
export class CliError extends ServiceError {
    readonly exitCode: number;

    constructor(message: string, options: { details?: readonly string[]; exitCode?: number; cause?: unknown } = {}) {
        super(message, options);
        this.name = 'CliError';
        this.exitCode = options.exitCode ?? EXIT_FAILURE;
    }

    /** A failure caused by config problems: one detail line per problem. */
    static withProblems(message: string, problems: readonly ConfigProblem[]): CliError {
        return new CliError(message, { details: problems.map(formatProblem) });
    }
}

export { formatProblem, plural } from '../service/service-error.js';
