import { ConnectorError } from '../connector-error.js';

/** Error codes of a connection that failed for reasons that may pass: worth another attempt. */
const RETRYABLE_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'ETIMEDOUT',
    'EAI_AGAIN',
    'ENOTFOUND',
    'EPIPE',
    'ENETUNREACH',
    'ENETDOWN',
    'EHOSTUNREACH',
    'EHOSTDOWN',
    'ERR_STREAM_PREMATURE_CLOSE',
    'UND_ERR_SOCKET'
]);

// Certificate problems: retrying cannot fix them, the trust configuration must change.
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH|ALTNAME/;

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

/** A failed attempt, classified: retry it or not, and what to tell the user if it is the last. */
export interface NetworkFailure {
    retryable: boolean;
    /** Short reason for retry events and logs, e.g. `ECONNRESET`. */
    reason: string;
    error: ConnectorError;
}

/** What the classifier knows of the request; every string here is already free of secrets. */
export interface FailureContext {
    method: string;
    /** The URL for messages (no credentials, secret query values hidden). */
    url: string;
    host: string;
    /** The port connected to, for hints about firewalls. */
    port: string;
    /** The proxy for messages, without credentials; undefined when connecting directly. */
    proxy?: string;
    /** Scrubs text that came from a library error. */
    redact(text: string): string;
}

/**
 * Turns an error from got, Node or the proxy agent, raised before response headers arrived, into a
 * {@link ConnectorError} of our own. Only the error's code and a scrubbed message are kept, never the
 * error itself: got's errors carry the request options, headers included.
 */
export function classifyNetworkError(raw: unknown, context: FailureContext): NetworkFailure {
    const error = raw as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
    const code = firstString(error?.code, error?.cause?.code) ?? '';
    const detail = context.redact(firstString(error?.message, error?.cause?.message) ?? String(raw));
    const what = `${context.method} ${context.url}`;
    const via = context.proxy === undefined ? '' : ` via proxy ${context.proxy}`;

    if (TLS_CODE.test(code) || /certificate|self[- ]signed/i.test(detail)) {
        const message = `TLS verification failed for ${context.host}${via}: ${detail}${code === '' ? '' : ` (${code})`}`;
        return {
            retryable: false,
            reason: code || 'TLS',
            error: new ConnectorError('config', message, {
                code: code || undefined,
                hint:
                    'If the server uses a private or corporate CA (e.g. a TLS-inspecting proxy), give its PEM bundle in the ' +
                    "'caFile' option; verification is never disabled"
            })
        };
    }
    const proxyStatus = /^Bad response: (\d{3})$/.exec(detail);
    if (proxyStatus !== null && context.proxy !== undefined) {
        const status = Number(proxyStatus[1]);
        const denied = status === 407;
        return {
            retryable: !denied && status >= 500,
            reason: `proxy ${status}`,
            error: new ConnectorError(
                denied ? 'config' : 'transient',
                `The proxy ${context.proxy} refused to connect to ${context.host} (HTTP ${status})`,
                {
                    status,
                    hint: denied
                        ? 'Check the proxy user name and password in the proxy URL'
                        : `Check that the proxy allows connections to ${context.host}`
                }
            )
        };
    }
    if (DNS_CODES.has(code)) {
        const target = context.proxy === undefined ? context.host : `the proxy ${context.proxy}`;
        return {
            retryable: RETRYABLE_CODES.has(code),
            reason: code,
            error: new ConnectorError(
                'transient',
                `Could not resolve the host name of ${target} (${code}) for ${what}`,
                {
                    code,
                    hint: 'Check the host name, DNS and proxy settings'
                }
            )
        };
    }
    const hint =
        context.proxy === undefined
            ? `Check that ${context.host} is reachable from this machine (network, firewall rules for port ${context.port}) or whether a proxy is required`
            : `Check that the proxy ${context.proxy} is reachable and allows connections to ${context.host}`;
    return {
        retryable: RETRYABLE_CODES.has(code) || /socket hang up|Proxy timeout/i.test(detail),
        reason: code || detail,
        error: new ConnectorError(
            'transient',
            `${what}${via} failed: ${detail}${code === '' || detail.includes(code) ? '' : ` (${code})`}`,
            {
                code: code || undefined,
                hint
            }
        )
    };
}

/** The error for a timeout of ours, naming which one and its value. */
export function timeoutError(
    which: 'connect' | 'response' | 'idle',
    ms: number,
    context: FailureContext
): ConnectorError {
    const seconds = ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
    const phase = {
        connect: `connecting to ${context.proxy ?? context.host}`,
        response: 'waiting for the response headers',
        idle: 'with no data received while reading the response body'
    }[which];
    const option = { connect: 'timeouts.connectMs', response: 'timeouts.responseMs', idle: 'timeouts.idleMs' }[which];
    return new ConnectorError(
        'transient',
        `${context.method} ${context.url} timed out after ${seconds} ${phase} (${option} = ${ms})`,
        {
            code: 'ETIMEDOUT',
            hint: `If the server is just slow, raise the connector's timeoutSeconds (${option}); otherwise check the network and proxy`
        }
    );
}

function firstString(...values: unknown[]): string | undefined {
    return values.find((value): value is string => typeof value === 'string' && value !== '');
}
