import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { ConnectorError } from '../connector-error.js';
import { SecretRedactor } from '../logging/secret-redactor.js';
import { SDK_VERSION } from '../sdk-version.js';
import { loadCaBundle } from './ca-bundle.js';
import type { HttpClientOptions } from './http-client.js';
import { chooseProxy } from './proxy-agent.js';
import { parseBaseUrl } from './request-url.js';

/** Default timeouts and limits, sized for slow APIs whose pages can take minutes. */
export const HTTP_DEFAULTS = {
    connectMs: 30_000,
    responseMs: 10 * 60_000,
    idleMs: 5 * 60_000,
    retryLimit: 4,
    baseDelayMs: 1_000,
    maxDelayMs: 5 * 60_000,
    maxResponseBytes: 64 * 1024 * 1024,
    /** Cap on a non-2xx body, which is only read to explain the error. */
    maxErrorBodyBytes: 64 * 1024,
    /** Throttle retries (a policy's `retry` verdicts) per call, outside the retry budget, so a call ends. */
    maxThrottleRetries: 20
} as const;

/** A client's options, checked and completed with defaults. */
export interface ClientSettings {
    base: URL;
    headers: Record<string, string>;
    agent?: { http?: HttpAgent; https?: HttpsAgent };
    ca?: string[];
    /** The proxy for messages, without credentials. */
    proxyDisplay?: string;
    connectMs: number;
    responseMs: number;
    idleMs: number;
    retryLimit: number;
    baseDelayMs: number;
    maxDelayMs: number;
    maxResponseBytes: number;
    /** Knows the password, its Basic form and the proxy credentials. */
    redactor: SecretRedactor;
}

/**
 * Checks `options` and fixes what every request of the client shares. Throws a `config` {@link ConnectorError}
 * for a bad base URL, proxy URL or CA file.
 */
export function resolveClientSettings(options: HttpClientOptions, hostUserAgent: string | undefined): ClientSettings {
    const redactor = new SecretRedactor();
    if (options.auth !== undefined) {
        const { username, password } = options.auth;
        redactor.registerSecret(password);
        redactor.registerSecret(`${username}:${password}`);
    }
    const base = parseBaseUrl(options.baseUrl);
    const connectMs = positive(options.timeouts?.connectMs, HTTP_DEFAULTS.connectMs, 'timeouts.connectMs');
    const proxy = chooseProxy(base, options.proxy, connectMs);
    proxy.secrets.forEach(secret => redactor.registerSecret(secret));
    const ca = options.caFile === undefined || options.caFile === '' ? undefined : loadCaBundle(options.caFile);

    const extras = [hostUserAgent, options.userAgent].filter(part => part !== undefined && part.trim() !== '');
    const headers: Record<string, string> = {
        'user-agent': `signal-connectors/${SDK_VERSION}${extras.length === 0 ? '' : ` (+${extras.join(' ')})`}`
    };
    for (const [name, value] of Object.entries(options.headers ?? {})) {
        headers[name.toLowerCase()] = value;
    }
    if (options.auth !== undefined) {
        const token = Buffer.from(`${options.auth.username}:${options.auth.password}`, 'utf8').toString('base64');
        headers.authorization = `Basic ${token}`;
    }
    return {
        base,
        headers,
        agent: proxy.agent,
        ca,
        proxyDisplay: proxy.display,
        connectMs,
        responseMs: positive(options.timeouts?.responseMs, HTTP_DEFAULTS.responseMs, 'timeouts.responseMs'),
        idleMs: positive(options.timeouts?.idleMs, HTTP_DEFAULTS.idleMs, 'timeouts.idleMs'),
        retryLimit: Math.floor(nonNegative(options.retry?.limit, HTTP_DEFAULTS.retryLimit, 'retry.limit')),
        baseDelayMs: nonNegative(options.retry?.baseDelayMs, HTTP_DEFAULTS.baseDelayMs, 'retry.baseDelayMs'),
        maxDelayMs: nonNegative(options.retry?.maxDelayMs, HTTP_DEFAULTS.maxDelayMs, 'retry.maxDelayMs'),
        maxResponseBytes: positive(options.maxResponseBytes, HTTP_DEFAULTS.maxResponseBytes, 'maxResponseBytes'),
        redactor
    };
}

function positive(value: number | undefined, fallback: number, name: string): number {
    if (value === undefined) {
        return fallback;
    }
    if (!(value > 0)) {
        throw new ConnectorError('config', `The HTTP client option ${name} must be a positive number, not ${value}`);
    }
    return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
    if (value === undefined) {
        return fallback;
    }
    if (!(value >= 0)) {
        throw new ConnectorError('config', `The HTTP client option ${name} must be zero or more, not ${value}`);
    }
    return value;
}
