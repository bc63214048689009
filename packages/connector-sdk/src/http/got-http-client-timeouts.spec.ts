import http from 'node:http';
import { expect } from 'chai';
import { ConnectorError } from '../connector-error.js';
import { FakeClock, listen, type TestServer, withoutNock } from '../test/http-test-kit.js';
import { GotHttpClientFactory } from './got-http-client-factory.js';
import type { HttpClientOptions } from './http-client.js';

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
    const error = await promise.then(
        () => undefined,
        (e: unknown) => e
    );
    expect(ConnectorError.is(error), `expected a ConnectorError, got ${String(error)}`).to.equal(true);
    return error as ConnectorError;
}

describe('GotHttpClient against a live server: timeouts and retries', () => {
    withoutNock();
    let server: TestServer;
    let hits: string[];
    let clock: FakeClock;
    // Each path behaves differently; `hits` records the calls in order.
    const handler = (request: http.IncomingMessage, response: http.ServerResponse): void => {
        hits.push(`${request.method} ${request.url}`);
        if (request.url === '/stall-headers') {
            return; // never answers
        }
        if (request.url === '/stall-body') {
            response.writeHead(200, { 'content-type': 'text/xml' });
            response.write('<PARTIAL>');
            return; // never ends
        }
        if (request.url === '/post-flaky') {
            let body = '';
            request.on('data', chunk => (body += String(chunk)));
            request.on('end', () => {
                hits.push(body);
                response.statusCode = hits.length < 4 ? 503 : 200;
                response.end(`got ${body}`);
            });
            return;
        }
        response.end('x'.repeat(256 * 1024));
    };

    before(async () => {
        server = await listen(http.createServer(handler));
    });
    after(() => server.close());
    beforeEach(() => {
        hits = [];
        clock = new FakeClock();
    });

    function client(options: Partial<HttpClientOptions> = {}) {
        return new GotHttpClientFactory({ clock, random: () => 0.5 }).create({ baseUrl: server.url, ...options });
    }

    it('fails with a transient error naming the response timeout, after retrying it', async () => {
        const error = await failure(
            client({ timeouts: { responseMs: 150 }, retry: { limit: 1 } }).request({
                method: 'GET',
                path: '/stall-headers'
            })
        );
        expect(error.kind).to.equal('transient');
        expect(error.message).to.contain(
            'timed out after 150 ms waiting for the response headers (timeouts.responseMs = 150)'
        );
        expect(error.hint).to.contain('timeoutSeconds');
        expect(hits).to.have.length(2);
        expect(clock.sleeps).to.deep.equal([500]);
    });

    it('fails a buffered body that goes silent with a transient idle-timeout error', async () => {
        const error = await failure(
            client({ timeouts: { idleMs: 150 } }).request({ method: 'GET', path: '/stall-body' })
        );
        expect(error.kind).to.equal('transient');
        expect(error.message).to.contain(
            'with no data received while reading the response body (timeouts.idleMs = 150)'
        );
    });

    it('errors a streamed body that goes silent, after returning its headers', async () => {
        const response = await client({ timeouts: { idleMs: 150 } }).stream({ method: 'GET', path: '/stall-body' });
        expect(response.status).to.equal(200);
        let received = '';
        const error = await (async () => {
            try {
                for await (const chunk of response.body) {
                    received += String(chunk);
                }
            } catch (e) {
                return e as ConnectorError;
            }
            return undefined;
        })();
        expect(received).to.equal('<PARTIAL>');
        expect(error?.kind).to.equal('transient');
        expect(error?.message).to.contain('timeouts.idleMs');
    });

    it('does not count a slow reader as an idle server', async () => {
        const response = await client({ timeouts: { idleMs: 300 } }).stream({ method: 'GET', path: '/big' });
        let size = 0;
        for await (const chunk of response.body) {
            // The first pause is three times the idle timeout: only the server's silence may count.
            await new Promise(resolve => setTimeout(resolve, size === 0 ? 900 : 5));
            size += (chunk as Buffer).length;
        }
        expect(size).to.equal(256 * 1024);
    });

    it('retries a POST with the same form body', async () => {
        const response = await client().request({
            method: 'POST',
            path: '/post-flaky',
            form: { action: 'list', ids: '1-5' }
        });
        expect(response).to.include({ status: 200, body: 'got action=list&ids=1-5' });
        expect(hits.filter(hit => hit === 'action=list&ids=1-5')).to.have.length(2);
        expect(clock.sleeps).to.deep.equal([500]);
    });

    it('explains a refused connection once retries are spent', async () => {
        const closed = await listen(http.createServer());
        await closed.close();
        const error = await failure(
            new GotHttpClientFactory({ clock })
                .create({ baseUrl: closed.url, retry: { limit: 2 } })
                .request({ method: 'GET', path: '/' })
        );
        expect(error.kind).to.equal('transient');
        expect(error.code).to.equal('ECONNREFUSED');
        expect(error.hint).to.contain(`port ${closed.port}`);
        expect(clock.sleeps).to.have.length(2);
    });
});
