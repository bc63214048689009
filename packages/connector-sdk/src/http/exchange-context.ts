import type { Clock } from '../clock.js';
import { ConnectorError } from '../connector-error.js';
import type { Logger } from '../logging/logger.js';
import type { ClientSettings } from './client-settings.js';
import type { HttpEvent, RateLimitPolicy } from './http-client.js';
import type { FailureContext } from './network-error.js';

/** One call, ready to send (possibly several times). */
export interface ExchangeContext {
    settings: ClientSettings;
    url: URL;
    method: 'GET' | 'POST';
    headers: Record<string, string>;
    body?: string;
    endpoint: string;
    /** The URL for messages: no credentials, secret-looking query values hidden. */
    displayUrl: string;
    signal?: AbortSignal;
    clock: Clock;
    random: () => number;
    policy?: RateLimitPolicy;
    logger?: Logger;
    onEvent?: (event: HttpEvent) => void;
    maxThrottleRetries: number;
}

/** What error messages may say about the call. */
export function failureContext(context: ExchangeContext): FailureContext {
    const { settings } = context;
    return {
        method: context.method,
        url: context.displayUrl,
        host: context.url.host,
        port: context.url.port || (context.url.protocol === 'https:' ? '443' : '80'),
        proxy: settings.proxyDisplay,
        redact: text => settings.redactor.redactString(text)
    };
}

/** Throws the abort reason once the call's signal has fired. */
export function throwIfAborted(context: ExchangeContext): void {
    if (context.signal?.aborted) {
        throw abortReason(context);
    }
}

/** The signal's own reason, or a `transient` error when it gave none. */
export function abortReason(context: ExchangeContext): unknown {
    return (
        context.signal?.reason ?? new ConnectorError('transient', `${context.method} ${context.displayUrl} was aborted`)
    );
}

/** A reason fit for `stream.destroy()`, which wants an Error. */
export function asError(reason: unknown): Error {
    return reason instanceof Error ? reason : new ConnectorError('transient', `Aborted: ${String(reason)}`);
}
