import { ConnectorError, type ConnectorErrorKind, errorKindForHttpStatus } from '@signal-connectors/connector-sdk';
import { QUALYS_HTTP_STATUSES, simpleReturnErrorRule } from './simple-return-codes.js';
import { childText } from './child-text.js';
import { elementText, parseSmallDocument, type XmlElement } from './xml-element.js';

/** The Qualys error (and small success) envelope: `SIMPLE_RETURN/RESPONSE/{DATETIME, CODE, TEXT, ITEM_LIST}`. */
export interface SimpleReturn {
    /** Qualys' error code, e.g. `1965`; absent on success envelopes. */
    code?: string;
    text?: string;
    datetime?: string;
    /** `ITEM_LIST/ITEM{KEY,VALUE}`, e.g. `SECONDS_TO_WAIT` or a launched scan's `REFERENCE`. */
    items: Record<string, string>;
}

const UNKNOWN_CODE = 'this Qualys error is not one the connector knows; the message says what Qualys reported';

/** Roots of Qualys error documents: the v2 `SIMPLE_RETURN` and the legacy v1 `GENERIC_RETURN`. */
export const SIMPLE_RETURN_ROOTS: readonly string[] = ['SIMPLE_RETURN', 'GENERIC_RETURN'];

/**
 * Reads a `SIMPLE_RETURN` (or legacy `GENERIC_RETURN`, whose `RETURN number=` becomes the code) from a response
 * body. Returns undefined when the body is not XML or its root is anything else; stops reading at the root
 * element, so it is cheap to call on any body.
 */
export function parseSimpleReturn(xml: string): SimpleReturn | undefined {
    const root = parseSmallDocument(xml, SIMPLE_RETURN_ROOTS);
    return root === undefined ? undefined : simpleReturnFromElement(root);
}

/** Maps an already parsed `SIMPLE_RETURN` or `GENERIC_RETURN` element. */
export function simpleReturnFromElement(root: XmlElement): SimpleReturn {
    const result: SimpleReturn = { items: {} };
    if (root.name === 'GENERIC_RETURN') {
        for (const child of root.children ?? []) {
            if (child.name === 'RETURN') {
                result.code = nonEmpty(child.attributes?.number);
                result.text = nonEmpty(elementText(child));
            } else if (child.name === 'API') {
                result.datetime = nonEmpty(child.attributes?.at);
            }
        }
        return result;
    }
    const response = root.children?.find(child => child.name === 'RESPONSE');
    for (const child of response?.children ?? []) {
        if (child.name === 'CODE') result.code = nonEmpty(elementText(child));
        else if (child.name === 'TEXT') result.text = nonEmpty(elementText(child));
        else if (child.name === 'DATETIME') result.datetime = nonEmpty(elementText(child));
        else if (child.name === 'ITEM_LIST') readItems(child, result.items);
    }
    return result;
}

/**
 * The {@link ConnectorError} for a Qualys error envelope: the kind the host acts on, a hint the user can act
 * on, `retryAfterMs` for throttling codes, and the Qualys code and HTTP status. Codes this connector does not
 * know are classified by HTTP status (a 2xx or unknown status means the response itself is unexpected).
 */
export function simpleReturnToError(sr: SimpleReturn, httpStatus?: number): ConnectorError {
    const message = `Qualys error${sr.code === undefined ? '' : ` ${sr.code}`}: ${sr.text ?? '(no text)'}`;
    const rule = sr.code === undefined ? undefined : simpleReturnErrorRule(sr.code);
    if (rule !== undefined) {
        return new ConnectorError(rule.kind, message, {
            hint: rule.hint,
            retryAfterMs: rule.retryAfterMs?.(sr),
            code: sr.code,
            status: httpStatus
        });
    }
    const { kind, hint } = kindForStatus(httpStatus);
    return new ConnectorError(kind, message, { hint, code: sr.code, status: httpStatus });
}

/** The hint for a Qualys code this connector does not know, by the kind its HTTP status gave it. */
const UNKNOWN_CODE_HINTS: Record<ConnectorErrorKind, string> = {
    auth: 'check the username and password',
    permission: 'check that the Qualys user has API access and the VM module',
    not_found: 'check that host points at your platform API server',
    rate_limited: `${UNKNOWN_CODE}; retrying later`,
    transient: `${UNKNOWN_CODE}; retrying with backoff`,
    config: `${UNKNOWN_CODE}; check the connector configuration`,
    protocol: `${UNKNOWN_CODE}; retry later`
};

function kindForStatus(status: number | undefined): Pick<ConnectorError, 'kind' | 'hint'> {
    if (status === undefined || (status >= 200 && status < 300)) {
        return { kind: 'protocol', hint: `${UNKNOWN_CODE}, although the HTTP status said success; retry later` };
    }
    // An error envelope on a 4xx means Qualys understood the request and refused what the config made us send.
    const kind = errorKindForHttpStatus(status, { ...QUALYS_HTTP_STATUSES, otherClientErrors: 'config' });
    return { kind, hint: UNKNOWN_CODE_HINTS[kind] };
}

function readItems(list: XmlElement, items: Record<string, string>): void {
    for (const item of list.children ?? []) {
        if (item.name !== 'ITEM') continue;
        const key = childText(item, 'KEY');
        if (key === undefined) continue;
        const value = childText(item, 'VALUE') ?? '';
        // Repeated keys (e.g. several IDs) are joined rather than overwritten, so none is lost.
        items[key] = Object.hasOwn(items, key) ? `${items[key]},${value}` : value;
    }
}

function nonEmpty(value: string | undefined): string | undefined {
    const trimmed = value?.trim();
    return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
