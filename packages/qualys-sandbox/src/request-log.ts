import type { SandboxEndpoint } from './rate-limiter.js';

/** What a logged request went to: an API endpoint, the gateway's token login (`auth`), or nothing known. */
export type LoggedEndpoint = SandboxEndpoint | 'auth' | 'unknown';

/** One API request as the sandbox saw and answered it. Updated in place while the response streams. */
export interface SandboxRequestRecord {
    /** 1-based sequence number across all endpoints. */
    seq: number;
    /** Wall-clock start (ISO). */
    at: string;
    endpoint: LoggedEndpoint;
    method: string;
    path: string;
    /** Merged query and form parameters (credentials never appear here: they travel in the Authorization header). */
    params: Record<string, string>;
    /** HTTP status sent (0 until headers are sent). */
    status: number;
    /** SIMPLE_RETURN CODE when the answer was an error envelope. */
    code?: number;
    /** HOST elements written (HLD). */
    hostsWritten: number;
    /** Records written: hosts, vulns or scans. */
    records: number;
    /** Fault type applied to this request, if any. */
    fault?: string;
    /** True once the response ended normally; false while streaming or when cut short. */
    completed: boolean;
    /** Milliseconds from arrival to the end of the response. */
    durationMs?: number;
    /** Bytes of the streamed XML body handed to the socket so far (0 for answers sent whole, such as errors). */
    bodyBytes: number;
}

/**
 * Log of API requests, so tests can assert on what a client actually sent (e.g. that a resumed poll's first HLD
 * request carried `id_min=X`). Capped so a long-running demo does not grow without bound.
 */
export class SandboxRequestLog {
    private readonly records: SandboxRequestRecord[] = [];
    private seq = 0;

    /** @param capacity maximum records kept (oldest dropped first). */
    constructor(private readonly capacity = 10_000) {}

    /** Starts a record for a new request and returns it for in-place updates. */
    start(
        endpoint: LoggedEndpoint,
        method: string,
        path: string,
        params: Record<string, string>
    ): SandboxRequestRecord {
        const record: SandboxRequestRecord = {
            seq: ++this.seq,
            at: new Date().toISOString(),
            endpoint,
            method,
            path,
            params: Object.fromEntries(Object.entries(params).filter(([name]) => !/^(password|username)$/i.test(name))),
            status: 0,
            hostsWritten: 0,
            records: 0,
            completed: false,
            bodyBytes: 0
        };
        this.records.push(record);
        if (this.records.length > this.capacity) this.records.splice(0, this.records.length - this.capacity);
        return record;
    }

    /** Records, optionally only those of one endpoint, oldest first. */
    all(endpoint?: LoggedEndpoint): SandboxRequestRecord[] {
        return endpoint ? this.records.filter(r => r.endpoint === endpoint) : [...this.records];
    }

    /** Number of requests (optionally to one endpoint, optionally matching a predicate). */
    count(endpoint?: LoggedEndpoint, predicate?: (record: SandboxRequestRecord) => boolean): number {
        return this.all(endpoint).filter(record => !predicate || predicate(record)).length;
    }

    /** The first request (optionally to one endpoint). */
    first(endpoint?: LoggedEndpoint): SandboxRequestRecord | undefined {
        return this.all(endpoint)[0];
    }

    /** The latest request (optionally to one endpoint). */
    last(endpoint?: LoggedEndpoint): SandboxRequestRecord | undefined {
        return this.all(endpoint).at(-1);
    }

    /** Forgets all records (sequence numbers keep increasing). */
    clear(): void {
        this.records.length = 0;
    }

    /** JSON form (the records array). */
    toJSON(): SandboxRequestRecord[] {
        return this.all();
    }
}
