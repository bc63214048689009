import { type Clock, ConnectorError, type Logger } from '@signal-connectors/connector-sdk';

/** What {@link retryCall} needs. */
export interface RetryCallOptions {
    clock: Clock;
    signal: AbortSignal;
    logger: Logger;
    /** Attempts in all, the first included (default 3). */
    attempts?: number;
    onRetry?: (error: ConnectorError, attempt: number) => void;
}

/**
 * Runs a small read-and-parse call (a KnowledgeBase batch, the scan list) again when it fails in a way that a
 * second try can fix: a transient network failure, or a truncated or malformed document (which an HTTP 200
 * can carry, so only the parser sees it). Backs off 2 s, then 4 s, with jitter. Throttling is not retried here:
 * the shared rate limiter already waited what Qualys asked, and a longer block belongs to the scheduler.
 */
export async function retryCall<T>(what: string, call: () => Promise<T>, options: RetryCallOptions): Promise<T> {
    const attempts = options.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
        try {
            return await call();
        } catch (error) {
            const retryable =
                ConnectorError.is(error) && (error.kind === 'transient' || error.kind === 'protocol');
            if (!retryable || attempt >= attempts || options.signal.aborted) throw error;
            const ceiling = 2000 * 2 ** (attempt - 1);
            const delayMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
            options.logger.warn(`qualys: ${what} failed, retrying`, { attempt, delayMs, error });
            options.onRetry?.(error, attempt);
            await options.clock.sleep(delayMs, options.signal);
        }
    }
}
