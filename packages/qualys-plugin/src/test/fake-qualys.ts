import { Readable } from 'node:stream';
import type { Clock } from '@signal-connectors/connector-sdk';
import nock from 'nock';

/** The API server the nock-based specs talk to (a real platform host, so config validation accepts it). */
export const QUALYS_HOST = 'https://qualysapi.qg2.apps.qualys.com';

/** Paths of the three APIs a poll calls, under the default API versions of `connector.json`. */
export const QUALYS_PATHS = {
    hld: '/api/5.0/fo/asset/host/vm/detection/',
    kb: '/api/4.0/fo/knowledge_base/vuln/',
    scans: '/api/3.0/fo/scan/'
} as const;

/** An API a poll calls. */
export type QualysApi = keyof typeof QUALYS_PATHS;

/** One scripted answer: a status, a body (text, or a stream factory for bodies that fail mid-way), headers. */
export interface ScriptedReply {
    status: number;
    body: string | (() => Readable);
    headers: Record<string, string>;
}

/** A request the fake received: which API, its form fields and the (fake) time it arrived. */
export interface RecordedRequest {
    api: QualysApi;
    form: Record<string, string>;
    at: number;
}

/**
 * A 2xx XML answer. The Content-Length matters: without one, got 16 sometimes reports a nock reply to a POST
 * as an aborted request.
 */
export function ok(xml: string, headers: Record<string, string> = {}): ScriptedReply {
    return { status: 200, body: xml, headers: { 'Content-Type': 'application/xml', ...headers } };
}

/** An answer with any status (an error envelope, an HTML page...). */
export function answer(status: number, body: string, headers: Record<string, string> = {}): ScriptedReply {
    return { status, body, headers: { 'Content-Type': 'application/xml', ...headers } };
}

/** A 200 whose connection is reset after `text` was sent: what a dropped connection mid-page looks like. */
export function resetAfter(text: string): ScriptedReply {
    return {
        status: 200,
        headers: { 'Content-Type': 'application/xml' },
        body: () => {
            let sent = false;
            return new Readable({
                read() {
                    if (sent) return;
                    sent = true;
                    this.push(text);
                    // Fail a little later, so that the text reaches the client first, as over a real socket.
                    setTimeout(
                        () => this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
                        5
                    );
                }
            });
        }
    };
}

/**
 * A scripted Qualys API server on nock: each API answers its requests with the queued replies, in order, and
 * every request is recorded with its form fields and the clock's time, so a spec can assert what was sent and
 * when (e.g. that no call happened before a throttle's wait was over).
 */
export class FakeQualys {
    readonly requests: RecordedRequest[] = [];

    constructor(
        private readonly clock: Clock,
        readonly host: string = QUALYS_HOST
    ) {}

    /** Queues `replies` for the next requests to `api`. */
    on(api: QualysApi, ...replies: ScriptedReply[]): this {
        for (const scripted of replies) {
            nock(this.host)
                .post(QUALYS_PATHS[api])
                // nock 15 hands a reply function the fetch Request; one parameter, or it is taken for a callback.
                .reply(async (request: Request) => {
                    const form = Object.fromEntries(new URLSearchParams(await request.text()));
                    this.requests.push({ api, form, at: this.clock.now() });
                    return reply(scripted);
                });
        }
        return this;
    }

    /** The form fields of every request to `api`, oldest first. */
    forms(api: QualysApi): Record<string, string>[] {
        return this.requests.filter(request => request.api === api).map(request => request.form);
    }

    /** The fake times at which `api` was called. */
    times(api: QualysApi): number[] {
        return this.requests.filter(request => request.api === api).map(request => request.at);
    }

    /** Replies queued but never asked for. */
    pending(): string[] {
        return nock.pendingMocks();
    }
}

function reply(scripted: ScriptedReply): [number, string | Readable, Record<string, string>] {
    if (typeof scripted.body !== 'string') return [scripted.status, scripted.body(), scripted.headers];
    const headers = { ...scripted.headers, 'Content-Length': String(Buffer.byteLength(scripted.body)) };
    return [scripted.status, scripted.body, headers];
}
