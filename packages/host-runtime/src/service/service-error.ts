import type { ConfigProblem } from '@signal-connectors/connector-sdk';

/**
 * A failure of the service that is reported in words, without a stack trace: the message says what is wrong,
 * the details list every problem or what to do (a bad config, a locked state database, a taken port). The CLI
 * prints it as `signal-client: message` and one line per detail; an embedding program can do the same.
 */
export class ServiceError extends Error {
    /** Lines shown under the message, e.g. one per config problem. */
    readonly details: readonly string[];

    constructor(message: string, options: { details?: readonly string[]; cause?: unknown } = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'ServiceError';
        this.details = options.details ?? [];
    }
}

/** A failure caused by config problems: one detail line per problem. */
export function problemsError(message: string, problems: readonly ConfigProblem[]): ServiceError {
    return new ServiceError(message, { details: problems.map(formatProblem) });
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
