import {
    artifactJson,
    backoffDelay,
    parseRetryAfter,
    SystemClock,
    type Artifact,
    type Clock,
    type Logger
} from '@signal-connectors/connector-sdk';
import type { ArtifactSink } from './artifact-sink.js';
import { isLoopbackHost } from './loopback-host.js';
import { SinkError } from './sink-error.js';

/** Redirects followed per request, all on the configured origin. */
const MAX_REDIRECTS = 5;

/** Options of {@link HttpSink}. */
export interface HttpSinkOptions {
    /** `http://` or `https://` URL the batches are POSTed to. Credentials go in `headers`, not in the URL. */
    url: string;
    /** Sent with every request, e.g. `Authorization`. Treated as secrets: never logged nor put in errors. */
    headers?: Record<string, string>;
    /** Artifacts per request (default 500). */
    batchSize?: number;
    /** Limit of one request, headers and body (default 30). */
    timeoutSeconds?: number;
    /** Allows a plain `http://` URL to a host other than loopback (default false: the data would travel in clear). */
    allowInsecureHttp?: boolean;
    /** Attempts per request, the first included (default 5). */
    maxAttempts?: number;
    /** First backoff delay; it doubles with each attempt, with jitter (default 1000). */
    baseDelayMs?: number;
    /** Ceiling of one wait, `Retry-After` included (default 60000). */
    maxDelayMs?: number;
    logger?: Logger;
    /** Waits between attempts (tests pass one that does not really wait). */
    clock?: Clock;
    /** A number in [0, 1) for the jitter. */
    random?: () => number;
}

/** The outcome of one attempt: delivered, worth retrying (after at least `afterMs`), or hopeless. */
type Attempt = { ok: true } | { ok: false; retry: boolean; reason: string; code?: string; afterMs?: number };

/** Statuses a later attempt may get past: timeouts, throttling and server errors. */
function isRetryableStatus(status: number): boolean {
    return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * POSTs artifacts to an HTTP endpoint as JSON arrays (`Content-Type: application/json`), `batchSize` artifacts
 * per request, in order, each request carrying an `X-Signal-Instance` header with the instance id. A 2xx
 * acknowledges a request. Network errors, timeouts, 408, 425, 429 and 5xx are retried with exponential
 * backoff and full jitter (`Retry-After` honoured, capped at `maxDelayMs`), up to `maxAttempts`; other statuses
 * fail at once, since sending the same body again cannot fix them. `write` resolves when every request was
 * acknowledged; when it rejects, earlier requests of the batch may have been delivered and are sent again
 * on the retry (at-least-once: receivers drop duplicates by artifact `id`).
 *
 * The data and the headers (credentials) go to the configured origin only: a 307/308 redirect on that origin is
 * followed, any other redirect fails the request with the address to configure instead. Plain `http://` is
 * refused except on loopback, unless `allowInsecureHttp` says the network in between is trusted.
 */
export class HttpSink implements ArtifactSink {
    private readonly url: URL;
    /** The URL as shown in logs and errors: no query string, which may carry a token. */
    private readonly displayUrl: string;
    private readonly batchSize: number;
    /** The configured headers, names lower-cased so they replace (not add to) the defaults. */
    private readonly headers: Record<string, string>;
    private readonly clock: Clock;
    private readonly random: () => number;
    private readonly closing = new AbortController();

    constructor(private readonly options: HttpSinkOptions) {
        this.url = new URL(options.url);
        if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') {
            throw new SinkError('http', `sink.url must be an http:// or https:// URL, not ${this.url.protocol}`);
        }
        if (this.url.username !== '' || this.url.password !== '') {
            throw new SinkError(
                'http',
                'sink.url must not contain credentials: send them in sink.headers (Authorization)'
            );
        }
        if (this.url.protocol === 'http:' && !isLoopbackHost(this.url.hostname) && options.allowInsecureHttp !== true) {
            throw new SinkError(
                'http',
                `sink.url uses plain http:// to ${this.url.hostname}, which would send every artifact and sink.headers ` +
                    'unencrypted: use https://, or set sink.allowInsecureHttp: true if the network in between is trusted'
            );
        }
        this.displayUrl = `${this.url.origin}${this.url.pathname}`;
        this.batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
        this.headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
        this.clock = options.clock ?? new SystemClock();
        this.random = options.random ?? Math.random;
    }

    async write(instanceId: string, artifacts: readonly Artifact[]): Promise<void> {
        for (let start = 0; start < artifacts.length; start += this.batchSize) {
            await this.deliver(instanceId, artifacts.slice(start, start + this.batchSize));
        }
    }

    /** Cancels requests and waits under way: their `write` calls reject. */
    async close(): Promise<void> {
        this.closing.abort(new SinkError('http', 'the HTTP sink is closed'));
    }

    private async deliver(instanceId: string, artifacts: readonly Artifact[]): Promise<void> {
        // Each artifact's pre-rendered text when it has one: the same JSON array, without serialising twice.
        const body = `[${artifacts.map(artifact => artifactJson(artifact)).join(',')}]`;
        const maxAttempts = Math.max(1, this.options.maxAttempts ?? 5);
        for (let attempt = 1; ; attempt++) {
            this.throwIfClosed();
            const outcome = await this.send(instanceId, body);
            if (outcome.ok) return;
            if (!outcome.retry || attempt >= maxAttempts) {
                this.throwIfClosed();
                const tries = attempt === 1 ? '' : ` after ${attempt} attempts`;
                throw new SinkError(
                    'http',
                    `POST ${this.displayUrl} failed${tries}: ${outcome.reason}. The batch will be sent again.`,
                    { code: outcome.code }
                );
            }
            const delayMs = this.backoff(attempt, outcome.afterMs);
            this.options.logger?.warn('HTTP sink request failed; retrying', {
                url: this.displayUrl,
                attempt,
                delayMs,
                reason: outcome.reason
            });
            await this.clock.sleep(delayMs, this.closing.signal).catch(() => this.throwIfClosed());
        }
    }

    private async send(instanceId: string, body: string): Promise<Attempt> {
        const signal = AbortSignal.any([
            this.closing.signal,
            AbortSignal.timeout((this.options.timeoutSeconds ?? 30) * 1000)
        ]);
        let response: Response;
        let target = this.url;
        try {
            for (let redirects = 0; ; redirects++) {
                response = await fetch(target, {
                    method: 'POST',
                    headers: {
                        'content-type': 'application/json',
                        'user-agent': 'signal-client',
                        ...this.headers,
                        'x-signal-instance': instanceId
                    },
                    body,
                    signal,
                    // Redirects are judged here: fetch would carry the body and every header but Authorization anywhere.
                    redirect: 'manual'
                });
                if (!isRedirect(response.status)) break;
                await response.body?.cancel().catch(() => undefined);
                const next = this.redirectTarget(response, target, redirects);
                if (typeof next === 'string')
                    return { ok: false, retry: false, reason: next, code: String(response.status) };
                target = next;
            }
        } catch (error) {
            const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
            const detail =
                (error as Error).name === 'TimeoutError' ? 'timed out' : (cause?.message ?? (error as Error).message);
            return {
                ok: false,
                retry: true,
                reason: `${detail}; check that the receiver is up and reachable`,
                code: cause?.code
            };
        }
        // Read the body in every case: it frees the connection for the next request.
        const text = await response.text().catch(() => '');
        if (response.ok) return { ok: true };
        return {
            ok: false,
            retry: isRetryableStatus(response.status),
            reason: `the receiver answered ${response.status} ${response.statusText}${this.excerpt(text)}; ${adviceFor(response.status)}`,
            code: String(response.status),
            afterMs: parseRetryAfter(
                { 'retry-after': response.headers.get('retry-after') ?? undefined },
                this.clock.now()
            )
        };
    }

    /**
     * Where a redirect leads, when it may be followed: a 307 or 308 (the POST and its body stay as they are) to the
     * configured origin. Otherwise why not, in words that say what to configure.
     */
    private redirectTarget(response: Response, from: URL, redirects: number): URL | string {
        const location = response.headers.get('location');
        let next: URL | undefined;
        try {
            next = location === null ? undefined : new URL(location, from);
        } catch {
            next = undefined;
        }
        const status = `the receiver answered ${response.status} ${response.statusText}`;
        if (next === undefined) return `${status} without a usable Location; check sink.url`;
        const shown = `${next.origin}${next.pathname}`;
        if (next.origin !== this.url.origin) {
            return (
                `${status}, redirecting to ${shown}: artifacts and sink.headers are only sent to the origin of ` +
                'sink.url, so the redirect was not followed; set sink.url to the receiver that should get them'
            );
        }
        if (response.status !== 307 && response.status !== 308) {
            return `${status}, redirecting to ${shown} with another method; set sink.url to ${shown}`;
        }
        if (redirects >= MAX_REDIRECTS) return `${status}: more than ${MAX_REDIRECTS} redirects; check sink.url`;
        return next;
    }

    /** Exponential backoff with full jitter (the SDK's), but never shorter than the receiver's `Retry-After`. */
    private backoff(attempt: number, retryAfterMs: number | undefined): number {
        const maxDelay = this.options.maxDelayMs ?? 60_000;
        const backoff = backoffDelay(attempt, this.options.baseDelayMs ?? 1000, maxDelay, this.random);
        return Math.min(maxDelay, Math.max(backoff, retryAfterMs ?? 0));
    }

    /** The start of an error body, with any header value (a credential) scrubbed out. */
    private excerpt(text: string): string {
        let shown = text.replace(/\s+/g, ' ').trim().slice(0, 200);
        for (const value of Object.values(this.headers)) {
            if (value.length >= 4) shown = shown.split(value).join('[REDACTED]');
        }
        return shown === '' ? '' : ` (${shown})`;
    }

    private throwIfClosed(): void {
        if (this.closing.signal.aborted) throw this.closing.signal.reason;
    }
}

function isRedirect(status: number): boolean {
    return status >= 300 && status < 400 && status !== 304;
}

function adviceFor(status: number): string {
    if (status === 401 || status === 403) return 'the receiver refused the credentials: check sink.headers';
    if (status === 404 || status === 405) return 'check sink.url';
    if (status === 413) return 'the request is too large: lower sink.batchSize';
    if (status === 429) return 'the receiver is throttling requests';
    if (status >= 500) return 'the receiver failed; check its logs';
    return 'the receiver rejected the request; check its logs and sink.url';
}
