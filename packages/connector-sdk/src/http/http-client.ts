import type { Readable } from 'node:stream';
import type { ConnectorError } from '../connector-error.js';
import type { Logger } from '../logging/logger.js';

/** Response headers, names lower-cased. */
export type HttpHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** One request. Parameters go in `query` (URL) or `form` (an `application/x-www-form-urlencoded` body). */
export interface HttpRequest {
    method: 'GET' | 'POST';
    /** Path (and optional query) relative to the client's base URL, or an absolute URL on the same origin. */
    path: string;
    query?: Readonly<Record<string, string>>;
    form?: Readonly<Record<string, string>>;
    headers?: Readonly<Record<string, string>>;
    /** Label for metrics and rate limiting, e.g. `host_detection`. Defaults to the path. */
    endpoint?: string;
    signal?: AbortSignal;
}

/** A response read into memory (bounded by the client's `maxResponseBytes`). */
export interface HttpResponse {
    status: number;
    headers: HttpHeaders;
    body: string;
    /** Milliseconds from sending the request to the end of the body. */
    elapsedMs: number;
}

/**
 * A response whose body is still arriving. The body must be consumed or destroyed: until then the call
 * counts as running against the rate-limit policy's concurrency.
 */
export interface HttpStreamResponse {
    status: number;
    headers: HttpHeaders;
    body: Readable;
}

/** What a {@link RateLimitPolicy} sees of each response before the client returns it. */
export interface HttpResponseInfo {
    endpoint: string;
    status: number;
    headers: HttpHeaders;
    /** The body of a non-2xx response (capped at 64 KiB); undefined for 2xx. */
    body?: string;
}

/** A policy's verdict on one response. */
export type RateLimitVerdict =
    | { action: 'proceed' }
    | { action: 'retry'; afterMs: number; reason: string }
    | { action: 'fail'; error: ConnectorError };

/**
 * A plugin's own throttling rules, plugged into the HTTP client: it gates every attempt and judges every
 * response, so remote rate and concurrency limits are respected across retries.
 */
export interface RateLimitPolicy {
    /** Waits until a call to `endpoint` may start; the returned function is called once the response has ended. */
    acquire(endpoint: string, signal?: AbortSignal): Promise<() => void>;
    /** Reads limit headers; decides whether a throttled response is retried after a wait. */
    review(response: HttpResponseInfo): RateLimitVerdict;
}

/** Something the client did, for progress, metrics and run summaries. */
export type HttpEvent =
    | { type: 'request'; endpoint: string; method: string }
    | { type: 'response'; endpoint: string; status: number; elapsedMs: number }
    | { type: 'retry'; endpoint: string; attempt: number; delayMs: number; reason: string }
    | { type: 'throttled'; endpoint: string; delayMs: number; reason: string };

/** Options of one client. Defaults suit slow APIs whose pages can take minutes. */
export interface HttpClientOptions {
    /** `https://host[:port]`; plain `http://` only for loopback test servers. */
    baseUrl: string;
    /** HTTP Basic credentials, sent on every request; never logged nor put in errors. */
    auth?: { username: string; password: string };
    headers?: Readonly<Record<string, string>>;
    /** Appended to the SDK's own User-Agent. */
    userAgent?: string;
    timeouts?: {
        /** TCP + TLS connect (default 30 s). */
        connectMs?: number;
        /** Until response headers arrive (default 10 min). */
        responseMs?: number;
        /** Longest silence while the body streams (default 5 min). */
        idleMs?: number;
    };
    retry?: {
        /** Retries after the first attempt for network errors, 5xx, 429 (default 4). */
        limit?: number;
        /** First backoff delay; doubles each attempt, with full jitter (default 1 s). */
        baseDelayMs?: number;
        /** Ceiling of one backoff delay, also of an honoured `Retry-After` (default 5 min). */
        maxDelayMs?: number;
    };
    rateLimitPolicy?: RateLimitPolicy;
    /** Cap on a buffered body (`request`); streamed bodies are not capped (default 64 MiB). */
    maxResponseBytes?: number;
    /** Extra PEM CA bundle trusted in addition to the system CAs. TLS verification is always on. */
    caFile?: string;
    /** Proxy URL (`http://user:pass@proxy:3128`); otherwise `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` apply. */
    proxy?: string;
    logger?: Logger;
    onEvent?: (event: HttpEvent) => void;
}

/** An HTTP client bound to one base URL and one set of credentials. */
export interface HttpClient {
    /** Sends the request (retrying as configured) and buffers the body. Non-2xx statuses are returned, not thrown. */
    request(request: HttpRequest): Promise<HttpResponse>;
    /** Sends the request (retrying until headers arrive) and returns the body as a stream. */
    stream(request: HttpRequest): Promise<HttpStreamResponse>;
}

/** DI token for {@link HttpClientFactory}. */
export const HttpClientFactory = Symbol.for('@signal-connectors/connector-sdk:HttpClientFactory');

/** Makes {@link HttpClient}s; the host provides one so proxies, CAs and limits are applied consistently. */
export interface HttpClientFactory {
    create(options: HttpClientOptions): HttpClient;
}
