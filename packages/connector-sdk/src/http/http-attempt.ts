import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import type { HttpHeaders } from './http-client.js';
import { importHttpLazily } from './import-http-lazily.js';
import { withLazyListFormat } from './lazy-list-format.js';

// got's import of node:http would load Node's bundled undici (see import-http-lazily.ts), and its type checker
// builds list formatters as it loads, which would load ICU's locale data (see lazy-list-format.ts).
await importHttpLazily();
const { default: got } = await withLazyListFormat(() => import('got'));

/** Everything one attempt sends. */
export interface AttemptInit {
    url: URL;
    method: 'GET' | 'POST';
    headers: Record<string, string>;
    body?: string;
    agent?: { http?: HttpAgent; https?: HttpsAgent };
    /** Trusted CAs (system + extra); undefined for the system default. */
    ca?: string[];
    connectMs: number;
    responseMs: number;
    signal?: AbortSignal;
}

/** Response headers have arrived; `body` has not been read yet. */
export interface AttemptResponse {
    status: number;
    headers: HttpHeaders;
    body: Readable;
}

/** Why an attempt ended before its response headers arrived. */
export class AttemptFailure extends Error {
    constructor(
        readonly reason:
            | { type: 'timeout'; which: 'connect' | 'response'; ms: number }
            | { type: 'aborted' }
            | { type: 'error'; error: unknown }
    ) {
        super(reason.type);
        this.name = 'AttemptFailure';
    }
}

// got's timer events that happen before the connection is usable: they are the connect timeout.
const CONNECT_EVENTS = new Set(['lookup', 'connect', 'secureConnect', 'socket', 'send']);

/**
 * Sends one request with got and resolves when its response headers arrive, with the body still unread.
 * got's own retries, redirects across origins and HTTP errors are off: the client decides all of that.
 */
export function startAttempt(init: AttemptInit): Promise<AttemptResponse> {
    return new Promise<AttemptResponse>((resolve, reject) => {
        let settled = false;
        // The body is written into got's stream (below), with its length, the way a piped stream is, rather than
        // given as got's `body` option. got writes a string `body` asynchronously and destroys the request, and
        // with it the response, when the response starts before that write has finished (a fast server answering
        // a small form does now and then); and it tests every `body` option against the global FormData, whose
        // first use loads Node's bundled undici, about 8 MB that stays resident.
        const body = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
        const request = got.stream(init.url, {
            method: init.method,
            headers: body === undefined ? init.headers : { ...init.headers, 'content-length': String(body.length) },
            throwHttpErrors: false,
            retry: { limit: 0 },
            // The response timeout is ours (below) so that it also covers a CONNECT through a proxy.
            timeout: { lookup: init.connectMs, connect: init.connectMs, secureConnect: init.connectMs },
            ...(init.agent === undefined ? {} : { agent: init.agent }),
            ...(init.ca === undefined ? {} : { https: { certificateAuthority: init.ca } }),
            // Same-origin redirects only: credentials must never follow a redirect to another host.
            followRedirect: response => isSameOrigin(response.headers.location, init.url),
            decompress: true,
            http2: false,
            cache: false
        });

        const fail = (reason: AttemptFailure['reason']): void => {
            if (settled) {
                return;
            }
            settled = true;
            cleanup();
            request.destroy(new Error(reason.type));
            reject(new AttemptFailure(reason));
        };
        const responseTimer = setTimeout(
            () => fail({ type: 'timeout', which: 'response', ms: init.responseMs }),
            Math.min(init.responseMs, 2_147_483_647)
        );
        const onAbort = (): void => fail({ type: 'aborted' });
        const cleanup = (): void => {
            clearTimeout(responseTimer);
            init.signal?.removeEventListener('abort', onAbort);
        };

        request.once('response', (response: { statusCode: number; headers: HttpHeaders }) => {
            if (settled) {
                return;
            }
            settled = true;
            cleanup();
            resolve({ status: response.statusCode, headers: response.headers, body: request });
        });
        request.on('error', (error: { name?: string; event?: string; message?: string }) => {
            const proxyTimeout = error?.message === 'Proxy timeout';
            if (proxyTimeout || (error?.name === 'TimeoutError' && CONNECT_EVENTS.has(error.event ?? ''))) {
                fail({ type: 'timeout', which: 'connect', ms: init.connectMs });
            } else {
                // After the response the body reader owns errors; this listener only keeps them from being unhandled.
                fail({ type: 'error', error });
            }
        });
        if (init.signal?.aborted) {
            fail({ type: 'aborted' });
        } else {
            init.signal?.addEventListener('abort', onAbort, { once: true });
            if (body !== undefined) request.end(body);
        }
    });
}

function isSameOrigin(location: string | undefined, from: URL): boolean {
    if (location === undefined) {
        return false;
    }
    try {
        return new URL(location, from).origin === from.origin;
    } catch {
        return false;
    }
}
