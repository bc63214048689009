import type { ConnectorErrorKind } from './connector-error.js';

/**
 * What a failing HTTP status means, in the error kinds the host acts on. Statuses not listed here follow
 * {@link errorKindForHttpStatus}: 5xx is `transient`, any other status `protocol` (or what the caller says a
 * 4xx means). The HTTP client has already retried 408, 429 and 5xx by the time a connector sees them, so these
 * kinds describe what is left after its retries.
 */
export const HTTP_STATUS_ERROR_KINDS: Readonly<Record<number, ConnectorErrorKind>> = Object.freeze({
    401: 'auth',
    403: 'permission',
    404: 'not_found',
    408: 'transient',
    429: 'rate_limited'
});

/** How a plugin adapts {@link errorKindForHttpStatus} to its API, as data. */
export interface HttpStatusErrorKindOptions {
    /**
     * Statuses the remote API uses in its own way, looked up before {@link HTTP_STATUS_ERROR_KINDS}. Qualys, for
     * one, answers its rate and concurrency limits with 409: `{ 409: 'rate_limited' }`.
     */
    readonly overrides?: Readonly<Record<number, ConnectorErrorKind>>;
    /**
     * The kind of a 4xx status found in neither table (default `protocol`: an answer the connector did not
     * expect). Say `config` where the API has clearly understood the request and rejected what the config made
     * the connector send, e.g. a filter it does not accept.
     */
    readonly otherClientErrors?: ConnectorErrorKind;
}

/**
 * The {@link ConnectorErrorKind} of a non-2xx HTTP status: the overrides, then {@link HTTP_STATUS_ERROR_KINDS},
 * then `transient` for 5xx, `otherClientErrors` for the remaining 4xx and `protocol` for anything else (a
 * redirect the client did not follow, or a success status whose body was not what the API promised).
 *
 * ```ts
 * errorKindForHttpStatus(401); // 'auth'
 * errorKindForHttpStatus(409, { overrides: { 409: 'rate_limited' } }); // 'rate_limited'
 * ```
 */
export function errorKindForHttpStatus(status: number, options: HttpStatusErrorKindOptions = {}): ConnectorErrorKind {
    const listed = lookup(options.overrides, status) ?? lookup(HTTP_STATUS_ERROR_KINDS, status);
    if (listed !== undefined) return listed;
    if (status >= 500) return 'transient';
    if (status >= 400) return options.otherClientErrors ?? 'protocol';
    return 'protocol';
}

function lookup(
    table: Readonly<Record<number, ConnectorErrorKind>> | undefined,
    status: number
): ConnectorErrorKind | undefined {
    return table !== undefined && Object.hasOwn(table, status) ? table[status] : undefined;
}
