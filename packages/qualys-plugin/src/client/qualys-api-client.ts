import { Readable } from 'node:stream';
import type {
    Clock,
    HttpClient,
    HttpClientFactory,
    HttpClientOptions,
    HttpEvent,
    HttpHeaders,
    Logger,
    RateLimitPolicy
} from '@signal-connectors/connector-sdk';
import type { QualysConfig } from '../model/qualys-config.js';
import type { GatewayToken } from './gateway-token.js';
import { QualysCallStats, type QualysCallStatsSnapshot } from './qualys-call-stats.js';
import { errorForResponse, htmlPageError, isHtml } from './qualys-response-error.js';

/** Endpoint labels, used for metrics, rate limiting and call statistics. */
export const QualysEndpoint = {
    hostDetection: 'host_detection',
    knowledgeBase: 'knowledge_base',
    scanList: 'scan_list',
    hostList: 'host_list'
} as const;

/**
 * Largest KnowledgeBase or scan list answer read, far below the HTTP client's default: these are read whole before
 * they are parsed, and a batch of 500 QIDs with every detail comes to a few MB. A longer one fails as `protocol`.
 */
export const MAX_LIST_RESPONSE_BYTES = 16 * 1024 * 1024;

/** What a {@link QualysApiClient} needs besides the config. */
export interface QualysApiClientOptions {
    /** Makes the HTTP client: the context's `http`. */
    http: HttpClientFactory;
    logger: Logger;
    /** The subscription's shared limiter: `registry.forSubscription(config.baseUrl, config.username)`. */
    rateLimitPolicy?: RateLimitPolicy;
    /** What the subscription's shared limiter knows of each API's limits (the same limiter, usually). */
    limits?: { snapshot(endpoint: string): { concurrencyLimit: number; concurrencyLimitKnown: boolean } };
    /** When given, time the limiter holds calls back is counted in `stats.waitMs`. */
    clock?: Clock;
    /** Overrides `config.timeoutSeconds`, e.g. a shorter one for a connection test. */
    timeoutSeconds?: number;
    /** Overrides the HTTP client's retry settings, e.g. none for a connection test. */
    retry?: HttpClientOptions['retry'];
    /** Also receives every HTTP event (after the statistics). */
    onEvent?: (event: HttpEvent) => void;
    /**
     * Token authentication: calls carry `Authorization: Bearer <token>` from this gateway token instead of Basic
     * credentials. Required when `config.authMethod` is `token`.
     */
    token?: GatewayToken;
}

/** A 2xx response whose body is still streaming. */
export interface QualysStreamResponse {
    status: number;
    headers: HttpHeaders;
    body: Readable;
}

/**
 * The Qualys VM API calls the connector makes, all as `POST` forms (long `ids=` lists never hit URL limits)
 * with Basic auth (or a gateway token as `Bearer`, see {@link QualysApiClientOptions.token}) and the mandatory
 * `X-Requested-With` header. With a token, a 401 answer drops the token and the call is repeated once with a
 * new one. Every method returns only 2xx bodies: a non-2xx
 * response becomes a `ConnectorError` (the `SIMPLE_RETURN` code decides its kind when there is one), and a 2xx
 * HTML page a `not_found` error pointing to the platform table. A 2xx `SIMPLE_RETURN` is left to the caller's
 * parser, which reads the root element anyway.
 */
export class QualysApiClient {
    /** Call statistics for the run summary; `reset()` them at the start of a poll. */
    readonly stats = new QualysCallStats();
    private readonly http: HttpClient;
    private readonly token?: GatewayToken;
    private readonly onEvent: (event: HttpEvent) => void;
    private readonly limits?: QualysApiClientOptions['limits'];

    constructor(
        private readonly config: QualysConfig,
        options: QualysApiClientOptions
    ) {
        const timeoutMs = (options.timeoutSeconds ?? config.timeoutSeconds) * 1000;
        if (config.authMethod === 'token' && options.token === undefined) {
            throw new Error('QualysApiClient: token authentication needs a gateway token');
        }
        this.token = config.authMethod === 'token' ? options.token : undefined;
        this.limits = options.limits;
        this.onEvent = event => {
            this.stats.record(event);
            options.onEvent?.(event);
        };
        this.http = options.http.create({
            baseUrl: config.baseUrl,
            ...(this.token === undefined ? { auth: { username: config.username, password: config.password } } : {}),
            // Qualys refuses v2 calls without it (CSRF protection); any value will do.
            headers: { 'X-Requested-With': 'signal-connectors' },
            timeouts: { connectMs: Math.min(30_000, timeoutMs), responseMs: timeoutMs, idleMs: timeoutMs },
            ...(options.retry === undefined ? {} : { retry: options.retry }),
            caFile: config.caFile,
            proxy: config.proxy,
            rateLimitPolicy: measured(options.rateLimitPolicy, options.clock, this.stats),
            maxResponseBytes: MAX_LIST_RESPONSE_BYTES,
            logger: options.logger,
            onEvent: this.onEvent
        });
    }

    /** `basic` or `token`: how this client authenticates. */
    get authMethod(): 'basic' | 'token' {
        return this.token === undefined ? 'basic' : 'token';
    }

    /**
     * Host List Detection (`/api/<v>/fo/asset/host/vm/detection/`, `action=list`): the body as a stream for a
     * streaming parser. The caller must consume or destroy it: until then the call holds a concurrency slot.
     */
    async streamHostDetections(params: Record<string, string>, signal?: AbortSignal): Promise<Readable> {
        return (await this.streamHostDetectionsResponse(params, signal)).body;
    }

    /** Like {@link streamHostDetections}, with the status and headers (the limits) of the response. */
    async streamHostDetectionsResponse(
        params: Record<string, string>,
        signal?: AbortSignal
    ): Promise<QualysStreamResponse> {
        const endpoint = QualysEndpoint.hostDetection;
        const path = `/api/${this.config.apiVersion.hostDetection}/fo/asset/host/vm/detection/`;
        const response = await this.authorised(
            signal,
            headers => this.http.stream({ method: 'POST', path, form: listForm(params), endpoint, signal, headers }),
            refused => refused.body.destroy()
        );
        if (response.status < 200 || response.status >= 300) {
            const body = await readAll(response.body);
            throw errorForResponse(response.status, response.headers, body, { baseUrl: this.config.baseUrl, endpoint });
        }
        if (isHtml(response.headers)) {
            response.body.destroy();
            throw htmlPageError({ baseUrl: this.config.baseUrl, endpoint });
        }
        return response;
    }

    /**
     * KnowledgeBase (`/api/<v>/fo/knowledge_base/vuln/`, `action=list`), buffered up to {@link MAX_LIST_RESPONSE_BYTES}:
     * callers ask by QID batches.
     */
    fetchKnowledgeBase(params: Record<string, string>, signal?: AbortSignal): Promise<string> {
        const path = `/api/${this.config.apiVersion.knowledgeBase}/fo/knowledge_base/vuln/`;
        return this.fetch(QualysEndpoint.knowledgeBase, path, params, signal);
    }

    /** VM scan list (`/api/<v>/fo/scan/`, `action=list`), buffered. */
    fetchScanList(params: Record<string, string>, signal?: AbortSignal): Promise<string> {
        return this.fetch(QualysEndpoint.scanList, `/api/${this.config.apiVersion.scanList}/fo/scan/`, params, signal);
    }

    /** Host List (`/api/<v>/fo/asset/host/`, `action=list`), buffered: a reconciliation asks for ids only. */
    fetchHostList(params: Record<string, string>, signal?: AbortSignal): Promise<string> {
        const path = `/api/${this.config.apiVersion.hostList}/fo/asset/host/`;
        return this.fetch(QualysEndpoint.hostList, path, params, signal);
    }

    /**
     * Concurrent calls the subscription grants `endpoint`, as the shared limiter learnt it from Qualys
     * (`X-Concurrency-Limit-Limit`, capped by the limiter's own ceiling); undefined until Qualys has said it, or
     * without {@link QualysApiClientOptions.limits}.
     */
    concurrencyLimit(endpoint: string): number | undefined {
        const snapshot = this.limits?.snapshot(endpoint);
        return snapshot?.concurrencyLimitKnown === true ? snapshot.concurrencyLimit : undefined;
    }

    /** The statistics as they are now (the shape the poller's run summary takes). */
    callStats(): QualysCallStatsSnapshot {
        return this.stats.snapshot();
    }

    /**
     * Sends a call with the credentials it needs: none extra for Basic (the HTTP client adds them), a Bearer
     * token otherwise. A 401 with a token means Qualys no longer accepts it (expired early, revoked): the token
     * is dropped and the call repeated once with a new one; a second 401 goes to the caller as is.
     */
    private async authorised<R extends { status: number }>(
        signal: AbortSignal | undefined,
        send: (headers: Record<string, string> | undefined) => Promise<R>,
        discard: (refused: R) => void
    ): Promise<R> {
        const token = this.token;
        if (token === undefined) return send(undefined);
        const first = await token.get(signal, this.onEvent);
        const response = await send({ Authorization: `Bearer ${first}` });
        if (response.status !== 401) return response;
        discard(response);
        token.reject(first);
        const second = await token.get(signal, this.onEvent);
        return send({ Authorization: `Bearer ${second}` });
    }

    private async fetch(
        endpoint: string,
        path: string,
        params: Record<string, string>,
        signal?: AbortSignal
    ): Promise<string> {
        const response = await this.authorised(
            signal,
            headers => this.http.request({ method: 'POST', path, form: listForm(params), endpoint, signal, headers }),
            () => undefined
        );
        if (response.status < 200 || response.status >= 300) {
            throw errorForResponse(response.status, response.headers, response.body, {
                baseUrl: this.config.baseUrl,
                endpoint
            });
        }
        if (isHtml(response.headers)) throw htmlPageError({ baseUrl: this.config.baseUrl, endpoint });
        return response.body;
    }
}

/** The caller's parameters with `action=list`, which these list methods always send (a caller's value loses). */
function listForm(params: Record<string, string>): Record<string, string> {
    return { ...params, action: 'list' };
}

/** A limiter whose waits are added to the statistics, so a run summary shows time lost to a shared budget. */
function measured(
    policy: RateLimitPolicy | undefined,
    clock: Clock | undefined,
    stats: QualysCallStats
): RateLimitPolicy | undefined {
    if (policy === undefined || clock === undefined) return policy;
    return {
        acquire: async (endpoint, signal) => {
            const start = clock.now();
            try {
                return await policy.acquire(endpoint, signal);
            } finally {
                stats.addWait(clock.now() - start);
            }
        },
        review: response => policy.review(response)
    };
}

/** Reads an error body (the HTTP client already capped it at 64 KiB). */
async function readAll(body: Readable): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
}
