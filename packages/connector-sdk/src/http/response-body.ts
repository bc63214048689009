import type { Readable } from 'node:stream';
import { ConnectorError } from '../connector-error.js';
import { abortReason, asError, type ExchangeContext, failureContext } from './exchange-context.js';
import { IdleTimeoutReadable } from './idle-timeout-readable.js';
import { timeoutError } from './network-error.js';

/** The body with the idle timeout, error mapping, abort and permit release attached. */
export function wrapResponseBody(source: Readable, context: ExchangeContext, release: () => void): Readable {
    const { idleMs } = context.settings;
    const body = new IdleTimeoutReadable(source, {
        idleMs,
        onIdle: () => timeoutError('idle', idleMs, failureContext(context)),
        mapError: error => bodyError(error, context)
    });
    body.once('close', release);
    const { signal } = context;
    if (signal !== undefined) {
        const onAbort = (): void => {
            body.destroy(asError(abortReason(context)));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        body.once('close', () => signal.removeEventListener('abort', onAbort));
    }
    return body;
}

/** An error while the body streamed: a connection cut mid-body means a truncated response. */
function bodyError(error: unknown, context: ExchangeContext): Error {
    if (ConnectorError.is(error)) {
        return error;
    }
    if (context.signal?.aborted) {
        return asError(abortReason(context));
    }
    const fields = error as { code?: unknown; message?: unknown };
    const code = typeof fields?.code === 'string' ? fields.code : undefined;
    const detail = context.settings.redactor.redactString(
        typeof fields?.message === 'string' ? fields.message : String(error)
    );
    return new ConnectorError(
        'protocol',
        `${context.method} ${context.displayUrl}: the response body was cut short (${detail})`,
        {
            code,
            hint: 'The call can be retried; if it keeps happening, look for a proxy or firewall that cuts long downloads'
        }
    );
}
