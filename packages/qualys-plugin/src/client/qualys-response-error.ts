import {
    ConnectorError,
    errorKindForHttpStatus,
    type ConnectorErrorKind,
    type HttpHeaders
} from '@signal-connectors/connector-sdk';
import { platformHint } from '../config/qualys-platforms.js';
import { parseSimpleReturn, simpleReturnToError } from '../xml/simple-return.js';
import { QUALYS_HTTP_STATUSES } from '../xml/simple-return-codes.js';
import { readLimitHeaders } from './qualys-limit-headers.js';

/** Where a response came from, for messages: the API server's origin and the endpoint label. */
export interface ResponseOrigin {
    baseUrl: string;
    endpoint: string;
}

/**
 * The error for a non-2xx Qualys response. A `SIMPLE_RETURN` body says best what went wrong (its code decides
 * the kind); otherwise the status does, through the SDK's table with Qualys' own reading of 409 (rate limits).
 * Messages hold the host, endpoint and status, never the body beyond Qualys' own error text, and never
 * credentials.
 */
export function errorForResponse(
    status: number,
    headers: HttpHeaders,
    body: string,
    origin: ResponseOrigin
): ConnectorError {
    const simpleReturn = parseSimpleReturn(body);
    if (simpleReturn !== undefined) return simpleReturnToError(simpleReturn, status);
    const host = new URL(origin.baseUrl).host;
    const what = `The Qualys ${origin.endpoint.replace(/_/g, ' ')} API at ${host} answered HTTP ${status}`;
    const kind = errorKindForHttpStatus(status, QUALYS_HTTP_STATUSES);
    const { problem, hint } = describeStatus(kind, status, host);
    const retryAfterMs = kind === 'rate_limited' ? readLimitHeaders(headers).toWaitSec : undefined;
    return new ConnectorError(kind, `${what}: ${problem}`, {
        status,
        hint,
        retryAfterMs: retryAfterMs === undefined ? undefined : retryAfterMs * 1000
    });
}

/** What a bare status of this kind means, and what to do about it. */
function describeStatus(kind: ConnectorErrorKind, status: number, host: string): { problem: string; hint: string } {
    switch (kind) {
        case 'auth':
            return {
                problem: 'the credentials were rejected',
                hint:
                    'Check the username and password (they are case-sensitive); the Qualys user must also be ' +
                    'allowed API access (user role: "Allow access to API")'
            };
        case 'permission':
            return {
                problem: 'access denied',
                hint: 'Ask your Qualys administrator to give this user API access and the VM module (Manager, Unit Manager, Scanner or Reader role)'
            };
        case 'not_found':
            return { problem: 'no such API there', hint: platformHint(host) };
        case 'rate_limited':
            return {
                problem: 'the call was throttled',
                hint: 'Another tool may be using the same Qualys account; the next run tries again'
            };
        case 'transient':
            return {
                problem: 'the server failed',
                hint: 'Qualys is unavailable or in maintenance; the call is retried later'
            };
        default: {
            const redirect = status >= 300 && status < 400;
            return {
                problem: `unexpected response${redirect ? ' (a redirect to another host)' : ''}`,
                hint: redirect
                    ? platformHint(host)
                    : 'Retry later; if it persists, check for a proxy between the connector and Qualys'
            };
        }
    }
}

/**
 * The error for a 2xx response that is an HTML page: a web console, a login page or a captive proxy answered
 * instead of a Qualys API server.
 */
export function htmlPageError(origin: ResponseOrigin): ConnectorError {
    const host = new URL(origin.baseUrl).host;
    return new ConnectorError(
        'not_found',
        `${host} answered the ${origin.endpoint.replace(/_/g, ' ')} API call with an HTML page, not Qualys XML`,
        {
            hint: platformHint(host)
        }
    );
}

/** True when the response claims to be an HTML page. */
export function isHtml(headers: HttpHeaders): boolean {
    const raw = headers['content-type'];
    const type = (Array.isArray(raw) ? raw[0] : raw) ?? '';
    return /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(type);
}
