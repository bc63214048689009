/** What replaces a secret wherever it would be written. */
export const REDACTED = '[REDACTED]';

/** Meta keys whose values are always replaced, whatever they hold. */
export const SECRET_KEY_PATTERN = /pass(word)?|secret|token|authorization|api[-_]?key|credential/i;

/**
 * Registered secrets shorter than this are ignored: replacing every `abc` or `1` in the output would mangle
 * it while protecting nothing worth protecting.
 */
export const MIN_SECRET_LENGTH = 4;

// `Basic dXNlcjpwYXNz` / `Bearer eyJ...`: credentials inside an Authorization-like value, known or not.
const AUTH_SCHEME_VALUE = /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{4,}/gi;
// `https://user:secret@host`: the password part of URL user info, e.g. a proxy URL.
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s/@]+@/gi;

const MAX_DEPTH = 8;

/**
 * Replaces secrets in strings and structured values: every registered secret (and its base64 form, as
 * it appears in Basic credentials), `Basic`/`Bearer` credentials, passwords in URLs, and the values of
 * keys that name a secret. Shared by the logger and the HTTP client so both scrub the same way.
 */
export class SecretRedactor {
    private readonly secrets = new Set<string>();
    // Longest first, so a secret that contains another one is replaced whole; rebuilt on registration.
    private ordered: string[] = [];

    /** From now on, `value` is replaced by `[REDACTED]`; values shorter than {@link MIN_SECRET_LENGTH} are ignored. */
    registerSecret(value: string): void {
        if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) {
            return;
        }
        this.secrets.add(value);
        // A secret also travels encoded: in Basic credentials and in percent-encoded URLs.
        this.secrets.add(Buffer.from(value, 'utf8').toString('base64'));
        const encoded = encodeURIComponent(value);
        if (encoded !== value) {
            this.secrets.add(encoded);
        }
        this.reorder();
    }

    /** Copies the secrets of `other` into this redactor. */
    registerAll(other: SecretRedactor): void {
        for (const secret of other.secrets) {
            this.secrets.add(secret);
        }
        this.reorder();
    }

    /** The string with every known secret and credential-looking value replaced. */
    redactString(text: string): string {
        let result = text;
        for (const secret of this.ordered) {
            if (result.includes(secret)) {
                result = result.split(secret).join(REDACTED);
            }
        }
        return result.replace(AUTH_SCHEME_VALUE, `$1 ${REDACTED}`).replace(URL_USER_INFO, `$1:${REDACTED}@`);
    }

    /**
     * A JSON-friendly deep copy of `value` with secrets replaced: keys matching {@link SECRET_KEY_PATTERN} are
     * blanked, strings are scrubbed, errors become `{ name, message, kind, code, hint, status, stack, cause }`.
     */
    redactValue(value: unknown): unknown {
        return this.walk(value, 0, new WeakSet<object>());
    }

    /** Redacts an error into the plain fields a log line shows. */
    serializeError(error: Error): Record<string, unknown> {
        return this.walk(error, 0, new WeakSet<object>()) as Record<string, unknown>;
    }

    private reorder(): void {
        this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
    }

    private walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
        if (typeof value === 'string') {
            return this.redactString(value);
        }
        if (typeof value === 'bigint') {
            return value.toString();
        }
        if (value === null || typeof value !== 'object') {
            return typeof value === 'function' || typeof value === 'symbol' ? String(value) : value;
        }
        if (seen.has(value)) {
            return '[Circular]';
        }
        if (depth >= MAX_DEPTH) {
            return '[Truncated]';
        }
        if (value instanceof Date) {
            return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
        }
        if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) {
            return `[${value.constructor.name} ${value.byteLength} bytes]`;
        }
        seen.add(value);
        try {
            if (value instanceof Error) {
                return this.walkError(value, depth, seen);
            }
            if (Array.isArray(value)) {
                return value.map(item => this.walk(item, depth + 1, seen));
            }
            if (value instanceof Map) {
                return this.walkEntries(
                    [...value.entries()].map(([k, v]) => [String(k), v]),
                    depth,
                    seen
                );
            }
            if (value instanceof Set) {
                return [...value].map(item => this.walk(item, depth + 1, seen));
            }
            return this.walkEntries(Object.entries(value), depth, seen);
        } finally {
            seen.delete(value);
        }
    }

    private walkEntries(entries: [string, unknown][], depth: number, seen: WeakSet<object>): Record<string, unknown> {
        const result: Record<string, unknown> = {};
        for (const [key, item] of entries) {
            result[key] = SECRET_KEY_PATTERN.test(key) ? REDACTED : this.walk(item, depth + 1, seen);
        }
        return result;
    }

    private walkError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
        // Only these fields: library errors (got's among them) carry request options, headers included.
        const fields = error as Error & { kind?: unknown; code?: unknown; hint?: unknown; status?: unknown };
        const result: Record<string, unknown> = { name: error.name, message: this.redactString(String(error.message)) };
        for (const key of ['kind', 'code', 'hint', 'status'] as const) {
            if (fields[key] !== undefined) {
                result[key] = this.walk(fields[key], depth + 1, seen);
            }
        }
        if (error.stack !== undefined) {
            result.stack = this.redactString(error.stack);
        }
        if (error.cause !== undefined) {
            result.cause = this.walk(error.cause, depth + 1, seen);
        }
        return result;
    }
}
