import { expect } from 'chai';
import nock from 'nock';
import { ConnectorError } from '../connector-error.js';
import { FakeClock, useNock } from '../test/http-test-kit.js';
import { errorRenderings } from '../test/log-capture.js';
import { GotHttpClientFactory } from './got-http-client-factory.js';
import type { HttpClientOptions, HttpEvent } from './http-client.js';

const BASE = 'https://qualysapi.example.com';
const PASSWORD = 'S3cret-Pa55';

// nock needs a real Error to make the request fail (a plain object leaves it hanging).
function networkError(code: string, message: string): Error {
    return Object.assign(new Error(message), { code });
}

describe('GotHttpClient retries', () => {
    useNock();
    let clock: FakeClock;
    let events: HttpEvent[];

    beforeEach(() => {
        clock = new FakeClock();
        events = [];
    });

    function client(options: Partial<HttpClientOptions> = {}) {
        // random 0.5: every backoff is half its ceiling, so the delays are known.
        const factory = new GotHttpClientFactory({ clock, random: () => 0.5 });
        return factory.create({
            baseUrl: BASE,
            auth: { username: 'bob', password: PASSWORD },
            onEvent: event => events.push(event),
            ...options
        });
    }

    it('retries 5xx with exponential backoff, then returns the success', async () => {
        nock(BASE)
            .get('/api/list')
            .reply(503)
            .get('/api/list')
            .reply(502)
            .get('/api/list')
            .reply(500)
            .get('/api/list')
            .reply(200, 'ok');
        const response = await client().request({ method: 'GET', path: '/api/list', endpoint: 'list' });
        expect(response).to.include({ status: 200, body: 'ok' });
        expect(clock.sleeps).to.deep.equal([500, 1000, 2000]);
        const retries = events.filter(event => event.type === 'retry');
        expect(retries).to.deep.equal([
            { type: 'retry', endpoint: 'list', attempt: 1, delayMs: 500, reason: 'HTTP 503' },
            { type: 'retry', endpoint: 'list', attempt: 2, delayMs: 1000, reason: 'HTTP 502' },
            { type: 'retry', endpoint: 'list', attempt: 3, delayMs: 2000, reason: 'HTTP 500' }
        ]);
        expect(events.filter(event => event.type === 'request')).to.have.length(4);
    });

    it('honours Retry-After in seconds on 429', async () => {
        nock(BASE).get('/api/list').reply(429, 'slow down', { 'Retry-After': '7' }).get('/api/list').reply(200, 'ok');
        expect((await client().request({ method: 'GET', path: '/api/list' })).status).to.equal(200);
        expect(clock.sleeps).to.deep.equal([7000]);
    });

    it('honours Retry-After as an HTTP date, and caps it at maxDelayMs', async () => {
        const in30s = new Date(clock.now() + 30_000).toUTCString();
        nock(BASE)
            .get('/a')
            .reply(503, '', { 'Retry-After': in30s })
            .get('/a')
            .reply(200)
            .get('/b')
            .reply(503, '', { 'Retry-After': '3600' })
            .get('/b')
            .reply(200);
        await client().request({ method: 'GET', path: '/a' });
        await client({ retry: { maxDelayMs: 60_000 } }).request({ method: 'GET', path: '/b' });
        expect(clock.sleeps).to.deep.equal([30_000, 60_000]);
    });

    it('caps the backoff at maxDelayMs and uses baseDelayMs', async () => {
        nock(BASE).get('/a').times(4).reply(503).get('/a').reply(200);
        await client({ retry: { baseDelayMs: 2000, maxDelayMs: 5000 } }).request({ method: 'GET', path: '/a' });
        expect(clock.sleeps).to.deep.equal([1000, 2000, 2500, 2500]);
    });

    it('returns the last 5xx response once the retries are spent', async () => {
        nock(BASE).get('/api/list').times(3).reply(500, '<ERROR>down</ERROR>');
        const response = await client({ retry: { limit: 2 } }).request({ method: 'GET', path: '/api/list' });
        expect(response).to.include({ status: 500, body: '<ERROR>down</ERROR>' });
        expect(clock.sleeps).to.have.length(2);
        expect(nock.isDone()).to.equal(true);
    });

    it('does not retry other statuses', async () => {
        nock(BASE).get('/api/list').reply(401, 'bad login');
        expect(await client().request({ method: 'GET', path: '/api/list' })).to.include({
            status: 401,
            body: 'bad login'
        });
        expect(clock.sleeps).to.deep.equal([]);
    });

    it('retries network errors, then throws a transient error without secrets', async () => {
        const basic = Buffer.from(`bob:${PASSWORD}`).toString('base64');
        nock(BASE)
            .get('/api/list')
            .times(3)
            .replyWithError(networkError('ECONNRESET', `socket hang up (Basic ${basic}, ${PASSWORD})`));
        const error = await client({ retry: { limit: 2 } })
            .request({ method: 'GET', path: '/api/list' })
            .catch((e: unknown) => e);
        expect(ConnectorError.is(error) && error.kind).to.equal('transient');
        expect(clock.sleeps).to.deep.equal([500, 1000]);
        expect(String(error)).to.contain('GET https://qualysapi.example.com/api/list');
        for (const rendering of errorRenderings(error)) {
            expect(rendering).to.not.contain(PASSWORD);
            expect(rendering).to.not.contain(basic);
        }
    });

    it('names the host and the DNS hint when the name does not resolve', async () => {
        nock(BASE)
            .get('/api/list')
            .replyWithError(networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND qualysapi.example.com'));
        const error = (await client({ retry: { limit: 0 } })
            .request({ method: 'GET', path: '/api/list' })
            .catch((e: unknown) => e)) as ConnectorError;
        expect(error.kind).to.equal('transient');
        expect(error.message).to.contain('qualysapi.example.com');
        expect(error.hint).to.equal('Check the host name, DNS and proxy settings');
    });
});
