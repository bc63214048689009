import {
    ConnectorError,
    errorKindForHttpStatus,
    formatDuration,
    type ConnectionReport
} from '@signal-connectors/connector-sdk';
import { QUALYS_PLATFORM_IDENTIFICATION_URL, platformHint } from '../config/qualys-platforms.js';
import { QUALYS_HTTP_STATUSES, simpleReturnErrorRule } from '../xml/simple-return-codes.js';

/** What the failure report needs to know about the attempt. */
export interface FailureSubject {
    /** The API server's host (and port, when not the default). */
    host: string;
    /** The port connections go to. */
    port: string;
    /** Whether a proxy was configured (the network hints differ). */
    viaProxy: boolean;
    /** The timeout the test used, in seconds. */
    timeoutSeconds: number;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const CONNECT_CODES = new Set([
    'ECONNREFUSED',
    'ECONNRESET',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENETDOWN',
    'EHOSTDOWN',
    'EPIPE'
]);
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH|ALTNAME/;

/**
 * Turns whatever a connection test threw into a failed {@link ConnectionReport}: the error kind the host acts
 * on, and a hint a person can act on - which credential, which host, which setting, or when to try again.
 */
export function failureReport(error: unknown, subject: FailureSubject, latencyMs?: number): ConnectionReport {
    const base = { ok: false, ...(latencyMs === undefined ? {} : { latencyMs }) };
    if (!ConnectorError.is(error)) {
        const message = error instanceof Error ? error.message : String(error);
        return { ...base, errorKind: 'protocol', message: `The connection test failed unexpectedly: ${message}` };
    }
    const { kind, code, status } = error;
    const account = code === undefined ? undefined : simpleReturnErrorRule(code);
    if (account?.summary !== undefined) {
        return {
            ...base,
            errorKind: kind,
            message: `${capitalise(account.summary)} (Qualys code ${code})`,
            hint: capitalise(account.hint)
        };
    }
    // The HTTP status speaks louder than an unknown Qualys code about credentials and permissions.
    const statusKind = status === undefined ? undefined : errorKindForHttpStatus(status, QUALYS_HTTP_STATUSES);
    if (kind === 'auth' || statusKind === 'auth') {
        return {
            ...base,
            errorKind: 'auth',
            message: `Qualys rejected the credentials${status === undefined ? '' : ` (HTTP ${status})`}`,
            hint:
                'Check the username and password (both case-sensitive); the user must also be allowed API access ' +
                '(user role: "Allow access to API")'
        };
    }
    if (kind === 'permission' || statusKind === 'permission') {
        return {
            ...base,
            errorKind: 'permission',
            message: `Qualys denied this user the host detection API${status === undefined ? '' : ` (HTTP ${status})`}`,
            hint: 'Ask your Qualys administrator to give the user API access and the VM module (Manager, Unit Manager, Scanner or Reader role)'
        };
    }
    if (kind === 'not_found') {
        return {
            ...base,
            errorKind: 'not_found',
            message: error.message,
            hint: error.hint ?? platformHint(subject.host)
        };
    }
    if (kind === 'rate_limited') return { ...base, errorKind: 'rate_limited', ...throttleText(error) };
    if (code !== undefined && TLS_CODE.test(code)) {
        return {
            ...base,
            errorKind: kind,
            message: `The TLS certificate of ${subject.host} could not be verified (${code})`,
            hint:
                "If a proxy or firewall inspects TLS with its own certificate authority, give that CA's PEM bundle in " +
                "'caFile'; verification is never turned off"
        };
    }
    if (code !== undefined && DNS_CODES.has(code)) {
        return {
            ...base,
            errorKind: kind,
            message: `The host name ${subject.host} could not be resolved (${code})`,
            hint: subject.viaProxy
                ? 'Check the proxy host name in the proxy setting, and that the proxy can resolve the Qualys API server'
                : `Check the host name against your platform's API server (${QUALYS_PLATFORM_IDENTIFICATION_URL}) ` +
                  'and the DNS settings of this machine; if the network only allows the internet through a proxy, set proxy'
        };
    }
    if (code !== undefined && (CONNECT_CODES.has(code) || code === 'ETIMEDOUT')) {
        const timedOut = code === 'ETIMEDOUT';
        return {
            ...base,
            errorKind: kind,
            message: timedOut
                ? `${subject.host} did not answer within the test's limit of ${subject.timeoutSeconds} s (${error.message})`
                : `Could not connect to ${subject.host} (${code})`,
            hint: subject.viaProxy
                ? `Check that the proxy is reachable and allows connections to the Qualys API server on port ${subject.port}`
                : `Check that this machine can reach the host on port ${subject.port} (firewall, network), or set proxy if outbound ` +
                  'traffic must go through one' +
                  (timedOut ? '; a very large subscription can also answer slowly: try again' : '')
        };
    }
    if (kind === 'transient' && status !== undefined && status >= 500) {
        return {
            ...base,
            errorKind: kind,
            message: error.message,
            hint: 'Qualys is unavailable or in maintenance; try again later'
        };
    }
    return {
        ...base,
        errorKind: kind,
        message: error.message,
        ...(error.hint === undefined ? {} : { hint: error.hint })
    };
}

/** The message and hint of a throttled test: what is throttled, and in how many seconds to try again. */
function throttleText(error: ConnectorError): Pick<ConnectionReport, 'message' | 'hint'> {
    const seconds = error.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    const when =
        seconds === undefined
            ? 'Try again in a few minutes'
            : `Try again in ${seconds} s${seconds >= 120 ? ` (${formatDuration(seconds * 1000)})` : ''}`;
    if (error.code === '1960' || error.code === 'concurrency') {
        return {
            message:
                'Qualys refused the call: other calls with this account are using all concurrent slots of the host detection API',
            hint: `${when}, when those calls have finished (a running poll or another tool using the same account)`
        };
    }
    return {
        message: `Qualys is throttling this account's host detection API: ${error.message}`,
        hint: `${when}; polls wait for the limit by themselves`
    };
}

function capitalise(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
