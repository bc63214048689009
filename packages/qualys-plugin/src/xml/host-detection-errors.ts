import { ConnectorError } from '@signal-connectors/connector-sdk';

/** What the caller does after a failed page: it checkpoints by host id, so nothing read is read twice. */
const RETRY_HINT = 'the connector retries from the last host it read';

/** The body is something else: an HTML page, another API's document, not XML at all. */
export function notHostDetectionDocument(detail: string): ConnectorError {
    return new ConnectorError('protocol', `response is not a Qualys host detection document (${detail})`, {
        hint: "check that host points at your platform's API server (qualysapi.*), see the platform table"
    });
}

/** The XML parser rejected the document; `position` is e.g. `line 83, column 29`. */
export function malformedHostDetections(position: string, hosts: number, reason: string): ConnectorError {
    return new ConnectorError('protocol', `malformed XML at ${position} after ${hosts} hosts: ${reason}`, {
        hint: `Qualys sent XML that cannot be parsed; ${RETRY_HINT} (if it persists, check proxies in between)`
    });
}

/**
 * The document is outside the parser's bounds (too deep, a value or record too large) or declares a DTD of its own.
 * Qualys sends neither, so the page is refused and fetched again rather than read in part.
 */
export function outsideLimits(reason: string, position: string, hosts: number): ConnectorError {
    return new ConnectorError(
        'protocol',
        `refused a host detection response at ${position} after ${hosts} hosts: ${reason}`,
        {
            hint:
                `Qualys never sends this; ${RETRY_HINT}. If it persists, check what sits between the connector and ` +
                'Qualys (a proxy or gateway rewriting responses)'
        }
    );
}

/** The body ended before the root element closed. */
export function truncatedHostDetections(hosts: number): ConnectorError {
    return new ConnectorError('protocol', `truncated response after ${hosts} hosts`, {
        hint: `the response ended before its root element closed; ${RETRY_HINT}`
    });
}

/** An error document under an error root that is far larger than any Qualys error. */
export function oversizedErrorDocument(): ConnectorError {
    return new ConnectorError('protocol', 'Qualys error document larger than 1 MB', { hint: RETRY_HINT });
}

/** Reading the body failed (connection reset, timeout): keeps the original code in the message and the cause. */
export function connectionLost(hosts: number, cause: unknown): ConnectorError {
    return new ConnectorError('transient', `connection lost after ${hosts} hosts (${describeStreamError(cause)})`, {
        hint:
            `the connection to Qualys dropped; ${RETRY_HINT} ` +
            '(if it keeps happening, raise timeoutSeconds or lower truncationLimit)',
        cause
    });
}

/** `ECONNRESET: socket hang up`: the error's code and message, so the cause shows in logs and statuses. */
function describeStreamError(error: unknown): string {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    const parts = [code, message].filter((part): part is string => typeof part === 'string' && part !== '');
    return parts.length > 0 ? parts.join(': ') : String(error);
}
