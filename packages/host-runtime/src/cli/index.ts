/**
 * The `signal-client` command line: its entry point (`runCli`) and the pieces it is made of, for hosts that embed
 * the runtime with their own command line.
 */
export { addLoggingOptions, type GlobalOptions } from './cli-context.js';
export { CliError, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, formatProblem, plural } from './cli-error.js';
export { processIo, writeLine, type CliIo, type CliStream } from './cli-io.js';
export { serveConfig } from './commands/run-command.js';
export { exitWhenFlushed } from './exit-when-flushed.js';
export { formatCount, formatTimestamp } from './output-format.js';
export { setUpLogging, silentLoggerFactory, type CliLogging, type LoggingOptions } from './cli-logging.js';
export { checkConfigFile, type ConfigCheck } from './config-check.js';
export { CountingSink } from './counting-sink.js';
export { readInstanceStatus, type InstanceStatusRow, type StatusSnapshot } from './instance-status-source.js';
export { PollProgressDisplay, type PollProgressOptions } from './poll-progress.js';
export { formatPollReport, PollReporter, type PollReport, type PollReporterOptions } from './poll-report.js';
export { createProgram, reportFailure, runCli } from './program.js';
export { DEFAULT_CONFIG_FILE, RUNTIME_PACKAGE_DIR } from './runtime-paths.js';
export { RuntimeService, type RuntimeServiceOptions } from './runtime-service.js';
export { loadConfigOrFail, openStateStore, RuntimeSession, type RuntimeSessionOptions } from './runtime-session.js';
export { DEFAULT_SHUTDOWN_TIMEOUT_MS, serveUntilStopped, type ServeOptions } from './serve-until-stopped.js';
export { ShutdownSignals, type SignalSource } from './shutdown-signals.js';
export { StatusLine } from './status-line.js';
export { TransientStateStore } from './transient-state-store.js';
