/**
 * The `signal-client` command line and the `npm start` demo: entry points (`runCli`, `runStart`), and the pieces
 * they are made of, for hosts that embed the runtime with their own command line.
 */
export { CliError, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, formatProblem } from './cli-error.js';
export { processIo, type CliIo, type CliStream } from './cli-io.js';
export { setUpLogging, silentLoggerFactory, type CliLogging, type LoggingOptions } from './cli-logging.js';
export { checkConfigFile, type ConfigCheck } from './config-check.js';
export { CountingSink } from './counting-sink.js';
export { DEMO_INSTANCE_ID, DEMO_TENANT, demoConfig, type DemoConfigOptions } from './demo/demo-config.js';
export { runDemo, type DemoOptions } from './demo/demo-runner.js';
export { DEMO_POLLS_ENV, runStart, type StartOptions } from './demo/start-program.js';
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
