import http from 'node:http';
import { expect } from 'chai';
import { FakeClock, listen, type TestServer, withoutNock } from '../test/http-test-kit.js';
import { GotHttpClientFactory } from './got-http-client-factory.js';
import type { RateLimitPolicy } from './http-client.js';

describe('GotHttpClient abort', () => {
    withoutNock();
    let server: TestServer;
    let hits: number;
    let onStall: () => void;

    before(async () => {
        server = await listen(
            http.createServer((request, response) => {
                hits++;
                if (request.url === '/busy') {
                    response.statusCode = 503;
                    response.end('busy');
                } else if (request.url === '/partial') {
                    response.writeHead(200);
                    response.write('<FIRST/>');
                }
                if (request.url === '/stall') {
                    onStall(); // and no answer at all
                }
            })
        );
    });
    after(() => server.close());
    beforeEach(() => {
        hits = 0;
        onStall = () => undefined;
    });

    /** Resolves once `condition` holds, checking every few milliseconds. */
    async function until(condition: () => boolean): Promise<void> {
        while (!condition()) {
            await new Promise(resolve => setTimeout(resolve, 5));
        }
    }

    it('rejects promptly with the signal reason while waiting for headers', async () => {
        const reason = new Error('poll cancelled');
        const controller = new AbortController();
        let abortedAt = 0;
        // Aborted once the server holds the request, so the abort surely lands while waiting for headers.
        onStall = () => {
            abortedAt = Date.now();
            controller.abort(reason);
        };
        const client = new GotHttpClientFactory().create({ baseUrl: server.url });
        const error = await client
            .request({ method: 'GET', path: '/stall', signal: controller.signal })
            .catch((e: unknown) => e);
        expect(error).to.equal(reason);
        expect(Date.now() - abortedAt).to.be.lessThan(1000);
        expect(hits).to.equal(1);
    });

    it('rejects during a backoff wait and sends nothing more', async () => {
        const reason = new Error('shutting down');
        const clock = new FakeClock(true);
        const controller = new AbortController();
        const client = new GotHttpClientFactory({ clock }).create({ baseUrl: server.url });
        const pending = client
            .request({ method: 'GET', path: '/busy', signal: controller.signal })
            .catch((e: unknown) => e);
        await until(() => clock.sleeps.length === 1);
        controller.abort(reason);
        expect(await pending).to.equal(reason);
        expect(hits).to.equal(1);
    });

    it('does not send at all when the signal is already aborted', async () => {
        const controller = new AbortController();
        controller.abort();
        const client = new GotHttpClientFactory().create({ baseUrl: server.url });
        const error = (await client
            .request({ method: 'GET', path: '/stall', signal: controller.signal })
            .catch((e: unknown) => e)) as Error;
        expect(error.name).to.equal('AbortError');
        expect(hits).to.equal(0);
    });

    it('errors a streaming body with the reason, and releases its rate-limit permit', async () => {
        let released = 0;
        const policy: RateLimitPolicy = {
            acquire: async () => () => released++,
            review: () => ({ action: 'proceed' })
        };
        const reason = new Error('stop streaming');
        const controller = new AbortController();
        const client = new GotHttpClientFactory().create({ baseUrl: server.url, rateLimitPolicy: policy });
        const response = await client.stream({ method: 'GET', path: '/partial', signal: controller.signal });
        const chunks: string[] = [];
        const error = await (async () => {
            try {
                for await (const chunk of response.body) {
                    chunks.push(String(chunk));
                    controller.abort(reason);
                }
            } catch (e) {
                return e;
            }
            return undefined;
        })();
        expect(chunks).to.deep.equal(['<FIRST/>']);
        expect(error).to.equal(reason);
        await new Promise(resolve => setImmediate(resolve));
        expect(released).to.equal(1);
    });
});
