import type { ConfigProblem } from '@signal-connectors/connector-sdk';

/** Exit code of a command that did what was asked. */
export const EXIT_OK = 0;
/** Exit code of a command that failed: bad config, failed poll or test, unknown instance, locked state... */
export const EXIT_FAILURE = 1;
/** Exit code after an interrupt (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/**
 * A failure the CLI reports in words and an exit code, without a stack trace: the message says what is wrong,
 * the details list every problem or the choices the user has.
 */
export class CliError extends Error {
    /** Lines printed under the message, e.g. one per config problem. */
    readonly details: readonly string[];
    readonly exitCode: number;

    constructor(message: string, options: { details?: readonly string[]; exitCode?: number; cause?: unknown } = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'CliError';
        this.details = options.details ?? [];
        this.exitCode = options.exitCode ?? EXIT_FAILURE;
    }

    /** A failure caused by config problems: one detail line per problem. */
    static withProblems(message: string, problems: readonly ConfigProblem[]): CliError {
        return new CliError(message, { details: problems.map(formatProblem) });
    }
}

/** `path: message (hint)`, the way every config problem is shown; a problem of the whole file has no path. */
export function formatProblem(problem: ConfigProblem): string {
    const hint = problem.hint === undefined ? '' : ` (${problem.hint})`;
    return `${problem.path === '' ? '' : `${problem.path}: `}${problem.message}${hint}`;
}

/** "1 problem", "3 problems". */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
    return `${count} ${count === 1 ? noun : pluralNoun}`;
}
