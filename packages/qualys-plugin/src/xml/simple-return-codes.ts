import type { ConnectorErrorKind, HttpStatusErrorKindOptions } from '@signal-connectors/connector-sdk';
import type { SimpleReturn } from './simple-return.js';

/**
 * How Qualys' HTTP statuses differ from the SDK's table: it answers its rate (code 1965) and concurrency (1960)
 * limits with 409, not 429.
 */
export const QUALYS_HTTP_STATUSES: HttpStatusErrorKindOptions = Object.freeze({
    overrides: Object.freeze({ 409: 'rate_limited' })
});

/** How one Qualys error code becomes a ConnectorError. */
export interface SimpleReturnErrorRule {
    kind: ConnectorErrorKind;
    /** One sentence the user can act on, starting in lower case. */
    hint: string;
    /** For account problems a first connection test meets: what is wrong, in a few words. */
    summary?: string;
    retryAfterMs?: (sr: SimpleReturn) => number | undefined;
}

/** Backoff per still-running call for a concurrency block; public clients wait 10-30 s. */
const CONCURRENCY_BACKOFF_MS = 10_000;
/** Upper bound of that backoff: a running call usually ends within a minute or two. */
const MAX_CONCURRENCY_BACKOFF_MS = 60_000;
/** Backoff for the generic 1920 block, which Qualys has largely replaced by 1960/1965. */
const GENERIC_BLOCK_BACKOFF_MS = 30_000;

const PARAMETER_HINT =
    'Qualys rejected a request parameter (the message names it); check the connector configuration ' +
    '(filters, statuses, API version) and report it if the configuration looks right';

const RULES: Record<string, SimpleReturnErrorRule> = {
    '1901': { kind: 'config', hint: PARAMETER_HINT },
    '1903': { kind: 'config', hint: PARAMETER_HINT },
    '1904': { kind: 'config', hint: PARAMETER_HINT },
    '1905': { kind: 'config', hint: PARAMETER_HINT },
    '1907': { kind: 'config', hint: PARAMETER_HINT },
    '1908': { kind: 'config', hint: PARAMETER_HINT },
    '1922': { kind: 'config', hint: PARAMETER_HINT },
    '1920': {
        kind: 'rate_limited',
        hint: 'another operation on this subscription blocks the call; the connector retries shortly',
        retryAfterMs: () => GENERIC_BLOCK_BACKOFF_MS
    },
    '1960': {
        kind: 'rate_limited',
        hint:
            'the concurrency limit of this API is reached (other calls with the same account are running); the ' +
            'connector retries shortly - if it persists, lower parallel pulls or pause other tools using this account',
        retryAfterMs: concurrencyBackoffMs
    },
    '1965': {
        kind: 'rate_limited',
        hint:
            'the rate limit of this API is used up for the current window; the connector waits and retries - ' +
            'to avoid it, poll less often or ask Qualys support to raise the subscription limit',
        retryAfterMs: rateLimitWaitMs
    },
    '1981': { kind: 'transient', hint: 'Qualys is still processing this request; retry later' },
    '999': {
        kind: 'transient',
        hint:
            'Qualys reported an internal error; the connector retries with backoff - contact Qualys support if it ' +
            'persists'
    },
    '1999': {
        kind: 'transient',
        hint: 'Qualys is in scheduled maintenance; the connector retries later'
    },
    '2000': {
        kind: 'auth',
        summary: 'Qualys rejected the username or password',
        hint:
            'check the username and password (both case-sensitive); a password changed, expired or reset in the ' +
            'Qualys UI must be updated here'
    },
    '2001': {
        kind: 'auth',
        summary: 'the Qualys account has expired',
        hint: 'the Qualys account has expired; contact your Qualys administrator to renew it'
    },
    '2002': {
        kind: 'permission',
        summary: 'the Qualys user is inactive',
        hint: 'ask your Qualys administrator to activate the user, with API access'
    },
    '2003': {
        kind: 'auth',
        summary: 'the registration of this Qualys account is not completed',
        hint:
            'log in to the Qualys web UI once with this user and accept the terms (registration is not completed), ' +
            'then retry; the connector does not retry this automatically'
    },
    '2011': {
        kind: 'permission',
        summary: 'this Qualys account must use SecureID, which blocks API access',
        hint:
            'this account must log in with SecureID, which blocks API access; use an API account without ' +
            'SecureID enforcement (ask your Qualys administrator)'
    },
    '2012': {
        kind: 'permission',
        summary: "the Qualys user's license does not allow this API",
        hint:
            'the user license is not authorized for this API; ask your Qualys administrator for API access and ' +
            'the VM module'
    }
};

/** The rule for a Qualys error code, if the connector knows the code. */
export function simpleReturnErrorRule(code: string): SimpleReturnErrorRule | undefined {
    return Object.hasOwn(RULES, code) ? RULES[code] : undefined;
}

/** 1960: a short backoff, longer when Qualys says several calls must finish first. */
function concurrencyBackoffMs(sr: SimpleReturn): number {
    const fromItem = Number(sr.items.CALLS_TO_FINISH);
    const fromText = Number(/until (\d+) currently running/i.exec(sr.text ?? '')?.[1]);
    const calls = Number.isInteger(fromItem) && fromItem > 0 ? fromItem : Number.isInteger(fromText) ? fromText : 1;
    return Math.min(MAX_CONCURRENCY_BACKOFF_MS, CONCURRENCY_BACKOFF_MS * Math.max(1, calls));
}

/**
 * 1965: `SECONDS_TO_WAIT`, else the duration in the text ("for another 23 hours, 57 minutes and 54 seconds").
 * Undefined when neither says; the caller then falls back to the `X-RateLimit-ToWait-Sec` header.
 */
function rateLimitWaitMs(sr: SimpleReturn): number | undefined {
    const item = sr.items.SECONDS_TO_WAIT?.trim();
    if (item !== undefined && /^\d+$/.test(item)) return Number(item) * 1000;
    const units: Record<string, number> = { day: 86_400, hour: 3600, minute: 60, second: 1 };
    let seconds = 0;
    let found = false;
    for (const match of (sr.text ?? '').matchAll(/(\d+)\s*(day|hour|minute|second)s?\b/gi)) {
        seconds += Number(match[1]) * units[match[2].toLowerCase()];
        found = true;
    }
    return found ? seconds * 1000 : undefined;
}
