import { ConnectorError, type HttpHeaders } from '@signal-connectors/connector-sdk';
import { platformHint } from '../config/qualys-platforms.js';
import { parseSimpleReturn, simpleReturnToError } from '../xml/simple-return.js';
import { readLimitHeaders } from './qualys-limit-headers.js';

/** Where a response came from, for messages: the API server's origin and the endpoint label. */
export interface ResponseOrigin {
    baseUrl: string;
    endpoint: string;
}

/**
 * The error for a non-2xx Qualys response. A `SIMPLE_RETURN` body says best what went wrong (its code decides
 * the kind); otherwise the status does: 401 auth, 403 permission, 404 not_found (a wrong host, usually),
 * 409/429 rate_limited, 5xx transient, anything else protocol. Messages hold the host, endpoint and status,
 * never the body beyond Qualys' own error text, and never credentials.
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
    if (status === 401) {
        return new ConnectorError('auth', `${what}: the credentials were rejected`, {
            status,
            hint:
                'Check the username and password (they are case-sensitive); the Qualys user must also be allowed ' +
                'API access (user role: "Allow access to API")'
        });
    }
    if (status === 403) {
        return new ConnectorError('permission', `${what}: access denied`, {
            status,
            hint: 'Ask your Qualys administrator to give this user API access and the VM module (Manager, Unit Manager, Scanner or Reader role)'
        });
    }
    if (status === 404) {
        return new ConnectorError('not_found', `${what}: no such API there`, { status, hint: platformHint(host) });
    }
    if (status === 409 || status === 429) {
        const toWait = readLimitHeaders(headers).toWaitSec;
        return new ConnectorError('rate_limited', `${what}: the call was throttled`, {
            status,
            retryAfterMs: toWait === undefined ? undefined : toWait * 1000,
            hint: 'Another tool may be using the same Qualys account; the next run tries again'
        });
    }
    if (status >= 500) {
        return new ConnectorError('transient', `${what}: the server failed`, {
            status,
            hint: 'Qualys is unavailable or in maintenance; the call is retried later'
        });
    }
    const redirect = status >= 300 && status < 400;
    return new ConnectorError(
        'protocol',
        `${what}${redirect ? ' (a redirect to another host)' : ''}: unexpected response`,
        {
            status,
            hint: redirect
                ? platformHint(host)
                : 'Retry later; if it persists, check for a proxy between the connector and Qualys'
        }
    );
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
