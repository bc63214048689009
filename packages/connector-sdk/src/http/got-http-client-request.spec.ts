import { Readable } from 'node:stream';
import { expect } from 'chai';
import nock from 'nock';
import { ConnectorError } from '../connector-error.js';
import { WinstonLoggerFactory } from '../logging/winston-logger-factory.js';
import { SDK_VERSION } from '../sdk-version.js';
import { FakeClock, useNock } from '../test/http-test-kit.js';
import { CapturedOutput, errorRenderings, flushed } from '../test/log-capture.js';
import { GotHttpClientFactory } from './got-http-client-factory.js';
import type { HttpClientOptions } from './http-client.js';

const BASE = 'https://qualysapi.example.com';
const PASSWORD = 'S3cret-Pa55';
const BASIC = `Basic ${Buffer.from(`bob:${PASSWORD}`).toString('base64')}`;

function client(options: Partial<HttpClientOptions> = {}) {
    const factory = new GotHttpClientFactory({ clock: new FakeClock(), userAgent: 'signal-client/1.0' });
    return factory.create({ baseUrl: BASE, auth: { username: 'bob', password: PASSWORD }, ...options });
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
    const error = await promise.then(
        () => undefined,
        (e: unknown) => e
    );
    expect(ConnectorError.is(error), `expected a ConnectorError, got ${String(error)}`).to.equal(true);
    return error as ConnectorError;
}

describe('GotHttpClient requests', () => {
    useNock();

    it('sends Basic auth, the User-Agent, custom headers and query parameters', async () => {
        nock(BASE, {
            reqheaders: {
                authorization: BASIC,
                'user-agent': `signal-connectors/${SDK_VERSION} (+signal-client/1.0 qualys-plugin/0.1)`,
                'x-requested-with': 'signal-connectors'
            }
        })
            .get('/api/2.0/fo/asset/host/')
            .query({ action: 'list', ids: '1,2' })
            .reply(200, '<HOST_LIST/>', { 'content-type': 'text/xml' });
        const response = await client({
            userAgent: 'qualys-plugin/0.1',
            headers: { 'X-Requested-With': 'signal-connectors' }
        }).request({
            method: 'GET',
            path: '/api/2.0/fo/asset/host/',
            query: { action: 'list', ids: '1,2' }
        });
        expect(response).to.include({ status: 200, body: '<HOST_LIST/>' });
        expect(response.headers['content-type']).to.equal('text/xml');
        expect(response.elapsedMs).to.be.a('number');
    });

    it('sends form parameters as an urlencoded POST body', async () => {
        nock(BASE, { reqheaders: { 'content-type': 'application/x-www-form-urlencoded' } })
            .post('/api/list', 'action=list&truncation_limit=1000&name=a+b%26c')
            // With got, nock replies to a POST need a Content-Length, or they fail now and then as aborted.
            .reply(200, 'ok', { 'Content-Length': '2' });
        const response = await client().request({
            method: 'POST',
            path: '/api/list',
            form: { action: 'list', truncation_limit: '1000', name: 'a b&c' }
        });
        expect(response.body).to.equal('ok');
    });

    it('accepts an absolute URL on the same origin and refuses any other origin', async () => {
        nock(BASE).get('/api/next').query({ id_min: '5' }).reply(200, 'next');
        expect((await client().request({ method: 'GET', path: `${BASE}/api/next?id_min=5` })).body).to.equal('next');
        const error = await failure(client().request({ method: 'GET', path: 'https://evil.example.com/steal' }));
        expect(error.kind).to.equal('config');
        expect(error.message).to.contain('evil.example.com');
    });

    it('rejects a bad base URL on each call with a config error', async () => {
        expect((await failure(client({ baseUrl: 'not a url' }).request({ method: 'GET', path: '/' }))).kind).to.equal(
            'config'
        );
        const plain = await failure(
            client({ baseUrl: 'http://qualysapi.example.com' }).request({ method: 'GET', path: '/' })
        );
        expect(plain.message).to.contain('must use https');
        const withCredentials = await failure(
            client({ baseUrl: `https://bob:${PASSWORD}@qualysapi.example.com` }).request({ method: 'GET', path: '/' })
        );
        expect(errorRenderings(withCredentials).join(' ')).to.not.contain(PASSWORD);
    });

    it('returns non-2xx responses with their body capped at 64 KiB, from request() and stream()', async () => {
        nock(BASE)
            .get('/big-error')
            .reply(400, 'x'.repeat(100 * 1024))
            .get('/stream-error')
            .reply(404, '<ERROR>no</ERROR>');
        const response = await client().request({ method: 'GET', path: '/big-error' });
        expect(response.status).to.equal(400);
        expect(response.body).to.have.length(64 * 1024);
        const streamed = await client().stream({ method: 'GET', path: '/stream-error' });
        expect(streamed.status).to.equal(404);
        expect(await text(streamed.body)).to.equal('<ERROR>no</ERROR>');
    });

    it('streams a 2xx body', async () => {
        nock(BASE)
            .get('/detections')
            .reply(200, () => Readable.from(['<A>', '<B/>', '</A>']));
        const response = await client().stream({ method: 'GET', path: '/detections' });
        expect(response.status).to.equal(200);
        expect(await text(response.body)).to.equal('<A><B/></A>');
    });

    it('fails a buffered body larger than maxResponseBytes with a protocol error', async () => {
        nock(BASE)
            .get('/declared')
            .reply(200, 'y'.repeat(2000), { 'content-length': '2000' })
            .get('/chunked')
            .reply(200, () => Readable.from(['y'.repeat(600), 'y'.repeat(600)]));
        for (const path of ['/declared', '/chunked']) {
            const error = await failure(client({ maxResponseBytes: 1000 }).request({ method: 'GET', path }));
            expect(error.kind).to.equal('protocol');
            expect(error.message).to.contain('maxResponseBytes (1000 bytes)');
        }
    });

    it('keeps the password, Basic credentials and secret query values out of errors and log lines', async () => {
        const output = new CapturedOutput();
        const logger = new WinstonLoggerFactory({ stream: output, format: 'json', level: 'debug' }).create({
            connector: 'test'
        });
        const leak = Object.assign(new Error(`failed with ${PASSWORD} and ${BASIC}`), { code: 'ECONNRESET' });
        nock(BASE).get('/api/login').query(true).times(2).replyWithError(leak);
        const error = await failure(
            client({ logger, retry: { limit: 1 } }).request({
                method: 'GET',
                path: '/api/login',
                query: { session_token: 'tok-1234567' }
            })
        );
        expect(error.message).to.contain('session_token=REDACTED');
        await flushed();
        expect(output.lines().length).to.be.greaterThan(0);
        for (const rendering of [...errorRenderings(error), output.text]) {
            for (const secret of [PASSWORD, BASIC, 'tok-1234567', 'authorization']) {
                expect(rendering.toLowerCase()).to.not.contain(secret.toLowerCase());
            }
        }
    });
});

async function text(body: Readable): Promise<string> {
    let result = '';
    for await (const chunk of body) {
        result += String(chunk);
    }
    return result;
}
