import type { Logger } from '../logging/logger.js';
import type { HttpEvent } from './http-client.js';

/** Where a call's progress goes: the caller's `onEvent` and its logger. */
export interface ReportTarget {
    method: string;
    endpoint: string;
    logger?: Logger;
    onEvent?: (event: HttpEvent) => void;
}

/**
 * Reports what one call does, as events and log lines. Lines carry the method, endpoint, status and timings
 * only: never headers, URLs with their query, or bodies, so nothing secret can reach a log through here.
 */
export class ExchangeReporter {
    constructor(private readonly target: ReportTarget) {}

    request(attempt: number): void {
        const { method, endpoint } = this.target;
        this.emit({ type: 'request', endpoint, method });
        this.target.logger?.debug('HTTP request', { method, endpoint, attempt });
    }

    response(status: number, elapsedMs: number): void {
        const { method, endpoint } = this.target;
        this.emit({ type: 'response', endpoint, status, elapsedMs });
        this.target.logger?.debug('HTTP response', { method, endpoint, status, elapsedMs });
    }

    retry(attempt: number, delayMs: number, reason: string): void {
        const { method, endpoint } = this.target;
        this.emit({ type: 'retry', endpoint, attempt, delayMs, reason });
        this.target.logger?.warn(
            `HTTP ${method} ${endpoint} failed (${reason}); retry ${attempt} in ${formatDelay(delayMs)}`,
            {
                method,
                endpoint,
                attempt,
                delayMs,
                reason
            }
        );
    }

    throttled(delayMs: number, reason: string): void {
        const { method, endpoint } = this.target;
        this.emit({ type: 'throttled', endpoint, delayMs, reason });
        this.target.logger?.info(`HTTP ${method} ${endpoint} throttled (${reason}); waiting ${formatDelay(delayMs)}`, {
            method,
            endpoint,
            delayMs,
            reason
        });
    }

    private emit(event: HttpEvent): void {
        try {
            this.target.onEvent?.(event);
        } catch {
            // A failing progress listener must not fail the request it observes.
        }
    }
}

function formatDelay(ms: number): string {
    return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
