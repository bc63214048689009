import { Readable } from 'node:stream';
import type { Clock } from '../clock.js';
import { ConnectorError } from '../connector-error.js';
import { type ClientSettings, HTTP_DEFAULTS, resolveClientSettings } from './client-settings.js';
import { exchange, type Exchange, type ExchangeContext } from './http-exchange.js';
import type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse, HttpStreamResponse } from './http-client.js';
import { readBody } from './read-body.js';
import { displayUrl, resolveRequestUrl } from './request-url.js';

/** What a {@link GotHttpClient} takes from its factory. */
export interface GotHttpClientEnvironment {
    clock: Clock;
    /** Source of backoff jitter in `[0, 1)`. */
    random: () => number;
    /** The host's part of the User-Agent. */
    userAgent?: string;
}

/**
 * The got-based {@link HttpClient}. A bad base URL, proxy or CA file does not throw from the constructor:
 * every call rejects with that `config` error instead, so it reaches the user through the usual paths
 * (e.g. `testConnection`) with its hint.
 */
export class GotHttpClient implements HttpClient {
    private readonly settings?: ClientSettings;
    private readonly configError?: unknown;

    constructor(
        private readonly options: HttpClientOptions,
        private readonly environment: GotHttpClientEnvironment
    ) {
        try {
            this.settings = resolveClientSettings(options, environment.userAgent);
        } catch (error) {
            this.configError = error;
        }
    }

    async request(request: HttpRequest): Promise<HttpResponse> {
        const { result, context } = await this.send(request);
        if (result.errorBody !== undefined) {
            return {
                status: result.status,
                headers: result.headers,
                body: result.errorBody,
                elapsedMs: elapsed(result)
            };
        }
        const { maxResponseBytes } = context.settings;
        const declared = Number(firstHeader(result.headers['content-length']));
        if (declared > maxResponseBytes) {
            result.body.destroy();
            throw tooLarge(context, maxResponseBytes, ` (Content-Length: ${declared})`);
        }
        const body = await readBody(result.body, maxResponseBytes);
        if (body.truncated) {
            throw tooLarge(context, maxResponseBytes, '');
        }
        return { status: result.status, headers: result.headers, body: body.text, elapsedMs: elapsed(result) };
    }

    async stream(request: HttpRequest): Promise<HttpStreamResponse> {
        const { result } = await this.send(request);
        if (result.errorBody !== undefined) {
            return { status: result.status, headers: result.headers, body: Readable.from([result.errorBody]) };
        }
        return { status: result.status, headers: result.headers, body: result.body };
    }

    private async send(request: HttpRequest): Promise<{ result: Exchange; context: ExchangeContext }> {
        if (this.settings === undefined) {
            throw this.configError;
        }
        const settings = this.settings;
        if (request.form !== undefined && request.method !== 'POST') {
            throw new ConnectorError('config', `A form body needs method POST, not ${request.method}`);
        }
        const url = resolveRequestUrl(settings.base, request.path, request.query);
        const headers = { ...settings.headers };
        for (const [name, value] of Object.entries(request.headers ?? {})) {
            // The configured credentials win over a per-request header of the same name.
            if (name.toLowerCase() !== 'authorization' || headers.authorization === undefined) {
                headers[name.toLowerCase()] = value;
            }
        }
        let body: string | undefined;
        if (request.form !== undefined) {
            body = new URLSearchParams(request.form as Record<string, string>).toString();
            headers['content-type'] = 'application/x-www-form-urlencoded';
        }
        const context: ExchangeContext = {
            settings,
            url,
            method: request.method,
            headers,
            body,
            endpoint: request.endpoint ?? url.pathname,
            displayUrl: settings.redactor.redactString(displayUrl(url)),
            signal: request.signal,
            clock: this.environment.clock,
            random: this.environment.random,
            policy: this.options.rateLimitPolicy,
            logger: this.options.logger,
            onEvent: this.options.onEvent,
            maxThrottleRetries: HTTP_DEFAULTS.maxThrottleRetries
        };
        return { result: await exchange(context), context };
    }
}

function elapsed(result: Exchange): number {
    return Math.round(performance.now() - result.startedAt);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
    return Array.isArray(value) ? value[0] : value;
}

function tooLarge(context: ExchangeContext, maxBytes: number, detail: string): ConnectorError {
    const size = maxBytes % (1024 * 1024) === 0 ? `${maxBytes / (1024 * 1024)} MiB` : `${maxBytes} bytes`;
    return new ConnectorError(
        'protocol',
        `The response body of ${context.method} ${context.displayUrl} exceeds maxResponseBytes (${size})${detail}`,
        { hint: 'Request smaller pages (e.g. a lower page size or truncation limit), or use stream() for large bodies' }
    );
}
