/**
 * The `signal-client` command line: its entry point (`runCli`) and the pieces it is made of, for hosts that embed
 * the runtime with their own command line.
 */
export { addLoggingOptions, type GlobalOptions } from './cli-context.js';
export { CliError, EXIT_CRASHED, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from './cli-error.js';
export { installFatalErrorHandlers } from './fatal-errors.js';
export { processIo, writeLine, type CliIo, type CliStream } from './cli-io.js';
export { serveConfig } from './commands/run-command.js';
export { exitWhenFlushed } from './exit-when-flushed.js';
export { formatTimestamp } from './output-format.js';
export { setUpLogging, silentLoggerFactory, type CliLogging, type LoggingOptions } from './cli-logging.js';
export { checkConfigFile, type ConfigCheck } from './config-check.js';
export { readInstanceStatus, type InstanceStatusRow, type StatusSnapshot } from './instance-status-source.js';
export { PollProgressDisplay, type PollProgressOptions } from './poll-progress.js';
export { formatPollReport, PollReporter, type PollReport, type PollReporterOptions } from './poll-report.js';
export { createProgram, reportFailure, runCli } from './program.js';
export { DEFAULT_SHUTDOWN_TIMEOUT_MS, printLoginLink, serveUntilStopped, type ServeOptions } from './serve-until-stopped.js';
export { ShutdownSignals, type SignalSource } from './shutdown-signals.js';
export { StatusLine } from './status-line.js';
