/**
 * What went wrong, in the terms the host acts on:
 * - `config`, `auth`, `permission`, `not_found`: fail and mark the instance unhealthy until its config changes;
 * - `rate_limited`: wait `retryAfterMs`, then retry;
 * - `transient`: retry with backoff;
 * - `protocol`: bad or truncated response; retry a bounded number of times, then fail without moving the checkpoint.
 */
export type ConnectorErrorKind = 'config' | 'auth' | 'permission' | 'not_found' | 'rate_limited' | 'transient' | 'protocol';

/** Kinds that retrying cannot fix: the instance needs a config or account change first. */
export const FATAL_ERROR_KINDS: readonly ConnectorErrorKind[] = ['config', 'auth', 'permission', 'not_found'];

/** Optional details of a {@link ConnectorError}. */
export interface ConnectorErrorOptions {
    /** What the user can do about it, in one sentence. */
    hint?: string;
    /** For `rate_limited`: how long to wait before the next call. */
    retryAfterMs?: number;
    /** The remote system's own error code, e.g. Qualys `1965`. */
    code?: string;
    /** The HTTP status, when the error came from an HTTP response. */
    status?: number;
    cause?: unknown;
}

/**
 * The one error type a connector throws. Messages and hints must never contain secrets: the host logs
 * them and shows them to users.
 */
export class ConnectorError extends Error {
    readonly kind: ConnectorErrorKind;
    readonly hint?: string;
    readonly retryAfterMs?: number;
    readonly code?: string;
    readonly status?: number;

    constructor(kind: ConnectorErrorKind, message: string, options: ConnectorErrorOptions = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'ConnectorError';
        this.kind = kind;
        this.hint = options.hint;
        this.retryAfterMs = options.retryAfterMs;
        this.code = options.code;
        this.status = options.status;
    }

    /** True when trying again later may succeed without anyone changing anything. */
    get retryable(): boolean {
        return !FATAL_ERROR_KINDS.includes(this.kind);
    }

    /** A plain, secret-free object for logs, status records and API responses. */
    toJSON(): Record<string, unknown> {
        return {
            kind: this.kind,
            message: this.message,
            hint: this.hint,
            code: this.code,
            status: this.status,
            retryAfterMs: this.retryAfterMs
        };
    }

    /** Narrows an unknown thrown value (also across package copies, by shape). */
    static is(error: unknown): error is ConnectorError {
        return (
            error instanceof ConnectorError ||
            (error instanceof Error && error.name === 'ConnectorError' && typeof (error as ConnectorError).kind === 'string')
        );
    }
}
