import type { HttpEvent } from '@signal-connectors/connector-sdk';

/** Call statistics of one API client, as a poll's run summary reports them. */
export interface QualysCallStatsSnapshot {
    /** HTTP requests sent per endpoint label (`host_detection`, `knowledge_base`, `scan_list`), retries included. */
    calls: Record<string, number>;
    /** Responses Qualys throttled (409 codes 1960/1965, 429) that were waited out and retried. */
    throttled: number;
    /** Retries after network errors, timeouts and 5xx responses. */
    retries: number;
    /** Total time spent waiting: throttling, backoff, and the shared limiter holding calls back. */
    waitMs: number;
}

/**
 * Counts what an API client's HTTP calls did, fed by the HTTP client's events. Every request counts, since
 * Qualys counts every request against the subscription's limits, retries included.
 */
export class QualysCallStats {
    private calls: Record<string, number> = {};
    private throttled = 0;
    private retries = 0;
    private waitMs = 0;

    /** Takes in one HTTP client event. */
    record(event: HttpEvent): void {
        switch (event.type) {
            case 'request':
                this.calls[event.endpoint] = (this.calls[event.endpoint] ?? 0) + 1;
                break;
            case 'throttled':
                this.throttled += 1;
                this.addWait(event.delayMs);
                break;
            case 'retry':
                this.retries += 1;
                this.addWait(event.delayMs);
                break;
            default:
                break;
        }
    }

    /** Adds a wait that produced no event, e.g. the shared limiter holding a call back. */
    addWait(ms: number): void {
        if (ms > 0) this.waitMs += ms;
    }

    /** A copy of the counters as they are now. */
    snapshot(): QualysCallStatsSnapshot {
        return { calls: { ...this.calls }, throttled: this.throttled, retries: this.retries, waitMs: this.waitMs };
    }

    /** Starts counting from zero, e.g. at the start of a poll. */
    reset(): void {
        this.calls = {};
        this.throttled = 0;
        this.retries = 0;
        this.waitMs = 0;
    }
}
