import type { Logger } from '@signal-connectors/connector-sdk';

/** The logger of the session that runs, if any: it redacts secrets and writes where the operator looks. */
let reporter: Logger | undefined;

/**
 * Makes `logger` the one an error nothing caught is reported to (undefined: plain lines on stderr); see the CLI's
 * `installFatalErrorHandlers`.
 */
export function reportFatalErrorsTo(logger: Logger | undefined): void {
    reporter = logger;
}

/** The logger errors nothing caught are reported to, if a session set one. */
export function fatalErrorReporter(): Logger | undefined {
    return reporter;
}
