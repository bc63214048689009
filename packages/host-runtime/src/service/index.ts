/**
 * The service, startable from code without the command line: the composition root and the parts the admin
 * console acts through.
 */
export { ADMIN_TOKEN_FILE, loadAdminToken, readAdminToken, type AdminToken } from './admin-token.js';
export { CountingSink, NO_SINK } from './counting-sink.js';
export { fatalErrorReporter, reportFatalErrorsTo } from './fatal-error-reporter.js';
export { AdminActionError, InstanceAdmin, type InstanceInput, type SaveResult, type TestRecord } from './instance-admin.js';
export { InstanceLogBook, RecordingLoggerFactory, type InstanceLogLine } from './instance-log-book.js';
export { LiveInstances, type InstanceOrigin, type LiveInstance } from './live-instances.js';
export { ProgressTracker, type LiveProgress } from './progress-tracker.js';
export { DEFAULT_CONFIG_FILE, RUNTIME_PACKAGE_DIR } from './runtime-paths.js';
export { RuntimeService, type RuntimeServiceOptions } from './runtime-service.js';
export { discover, loadConfigOrFail, openStateStore, RuntimeSession, type RuntimeSessionOptions } from './runtime-session.js';
export { SecretBox, SecretBoxError } from './secret-box.js';
export { formatProblem, plural, problemsError, ServiceError } from './service-error.js';
export { TransientStateStore } from './transient-state-store.js';
