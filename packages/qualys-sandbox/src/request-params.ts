import type { IncomingMessage } from 'node:http';
import type { IdRange } from './detection-filter.js';
import { parseQualysDate } from './qualys-date.js';

/** A request error Qualys reports as a SIMPLE_RETURN with a code (1901, 1903, 1905...). */
export class ParamError extends Error {
    /** @param code Qualys error CODE; @param status HTTP status (400 unless given). */
    constructor(
        readonly code: number,
        message: string,
        readonly status = 400
    ) {
        super(message);
        this.name = 'ParamError';
    }
}

/** Body size accepted for form posts; generous for long `ids=` lists, bounded so a runaway client cannot hurt. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Reads the body of a request. Bodies are accepted as form data unless they declare another content type, since
 * Qualys clients usually POST `application/x-www-form-urlencoded`.
 */
export async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES) throw new ParamError(1905, 'Request body is too large.', 413);
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
}

/**
 * The merged parameters of an API call: query string first, then the form body. Names are case-sensitive and a
 * repeated name keeps its last value, as Qualys documents; the first position is kept for echoing in URLs.
 */
export class RequestParams {
    private readonly values = new Map<string, string>();

    /** Merges parameter sources in order (later values win). */
    constructor(...sources: URLSearchParams[]) {
        for (const source of sources) for (const [name, value] of source) this.values.set(name, value);
    }

    /** Parses the query of `url` and, for form posts, the body. */
    static async fromRequest(req: IncomingMessage, url: URL): Promise<RequestParams> {
        if (req.method !== 'POST') return new RequestParams(url.searchParams);
        const type = (req.headers['content-type'] ?? '').toLowerCase();
        const body = await readBody(req);
        const form = type === '' || type.startsWith('application/x-www-form-urlencoded') ? body : '';
        return new RequestParams(url.searchParams, new URLSearchParams(form));
    }

    /** Parameter names in first-seen order. */
    names(): string[] {
        return [...this.values.keys()];
    }

    /** The raw value, or undefined (empty values count as absent for optional filters). */
    get(name: string): string | undefined {
        const value = this.values.get(name);
        return value === undefined || value.trim() === '' ? undefined : value.trim();
    }

    /** All parameters as a plain object. */
    toRecord(): Record<string, string> {
        return Object.fromEntries(this.values);
    }

    /** Throws 1901 naming every parameter outside `allowed`. */
    rejectUnknown(allowed: ReadonlySet<string>): void {
        const unknown = this.names().filter(name => !allowed.has(name));
        if (unknown.length > 0) throw new ParamError(1901, `Unrecognized parameter(s): ${unknown.join(',')}`);
    }

    /** Requires `action=list` (1903 otherwise). */
    requireListAction(): void {
        const action = this.get('action');
        if (action === undefined) throw new ParamError(1903, 'Missing required parameter(s): action');
        if (action !== 'list')
            throw new ParamError(
                1903,
                `Missing required parameter(s): action=list (action "${action}" is not supported here)`
            );
    }

    /** A 0/1 flag. */
    flag(name: string, fallback: boolean): boolean {
        const value = this.get(name);
        if (value === undefined) return fallback;
        if (value !== '0' && value !== '1') throw this.invalid(name, value, 'must be 0 or 1');
        return value === '1';
    }

    /** A non-negative integer within [min, max]. */
    int(name: string, min: number, max: number): number | undefined {
        const value = this.get(name);
        if (value === undefined) return undefined;
        const n = /^\d+$/.test(value) ? Number(value) : NaN;
        if (!Number.isSafeInteger(n) || n < min || n > max)
            throw this.invalid(name, value, `must be an integer from ${min} to ${max}`);
        return n;
    }

    /** A date as epoch seconds (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`). */
    date(name: string): number | undefined {
        const value = this.get(name);
        if (value === undefined) return undefined;
        const sec = parseQualysDate(value);
        if (sec === undefined) throw this.invalid(name, value, 'expected YYYY-MM-DD[THH:MM:SSZ]');
        return sec;
    }

    /** A comma list of positive integers and `a-b` ranges (`ids`, `qids`). */
    ranges(name: string): IdRange[] | undefined {
        const value = this.get(name);
        if (value === undefined) return undefined;
        return value.split(',').map(part => {
            const item = part.trim();
            const match = /^(\d+)(?:-(\d+))?$/.exec(item);
            const min = match ? Number(match[1]) : NaN;
            const max = match?.[2] !== undefined ? Number(match[2]) : min;
            if (!match || min < 1 || max < min || !Number.isSafeInteger(max)) {
                throw this.invalid(name, value, `neither a positive integer nor a range: ${item}`);
            }
            return { min, max };
        });
    }

    /** A comma list whose items must be in `allowed` (case-insensitive); returns the canonical spellings. */
    enumList<T extends string>(name: string, allowed: readonly T[]): T[] | undefined {
        const value = this.get(name);
        if (value === undefined) return undefined;
        return value.split(',').map(part => {
            const found = allowed.find(option => option.toLowerCase() === part.trim().toLowerCase());
            if (!found) throw this.invalid(name, value, `unsupported value: ${part.trim()}`);
            return found;
        });
    }

    /** A 1905 error for this parameter, worded like the real API. */
    invalid(name: string, value: string, reason: string): ParamError {
        return new ParamError(1905, `parameter ${name} has invalid value: ${value} (${reason})`);
    }
}
