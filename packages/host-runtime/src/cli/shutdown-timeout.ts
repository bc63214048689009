/** How long in-flight polls get to reach a batch boundary when the service stops (default 30 s). */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;
