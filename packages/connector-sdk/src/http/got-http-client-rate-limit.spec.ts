import { Readable } from 'node:stream';
import { expect } from 'chai';
import nock from 'nock';
import { ConnectorError } from '../connector-error.js';
import { FakeClock, useNock } from '../test/http-test-kit.js';
import { GotHttpClientFactory } from './got-http-client-factory.js';
import type { HttpEvent, HttpResponseInfo, RateLimitPolicy, RateLimitVerdict } from './http-client.js';

const BASE = 'https://qualysapi.example.com';

/** A policy that counts permits and answers reviews from a script. */
class ScriptedPolicy implements RateLimitPolicy {
    acquired: string[] = [];
    released = 0;
    reviews: HttpResponseInfo[] = [];

    constructor(
        private readonly verdict: (info: HttpResponseInfo, index: number) => RateLimitVerdict = () => ({
            action: 'proceed'
        })
    ) {}

    async acquire(endpoint: string): Promise<() => void> {
        this.acquired.push(endpoint);
        return () => this.released++;
    }

    review(info: HttpResponseInfo): RateLimitVerdict {
        this.reviews.push(info);
        return this.verdict(info, this.reviews.length - 1);
    }
}

describe('GotHttpClient rate-limit policy', () => {
    useNock();
    let clock: FakeClock;
    let events: HttpEvent[];

    beforeEach(() => {
        clock = new FakeClock();
        events = [];
    });

    function client(policy: RateLimitPolicy, retryLimit = 4) {
        return new GotHttpClientFactory({ clock, random: () => 0.5 }).create({
            baseUrl: BASE,
            rateLimitPolicy: policy,
            retry: { limit: retryLimit },
            onEvent: event => events.push(event)
        });
    }

    it('acquires before every attempt and releases each permit once, reviewing every response', async () => {
        nock(BASE).get('/list').reply(503, 'busy').get('/list').reply(200, 'ok', { 'x-ratelimit-remaining': '99' });
        const policy = new ScriptedPolicy();
        await client(policy).request({ method: 'GET', path: '/list', endpoint: 'host_list' });
        expect(policy.acquired).to.deep.equal(['host_list', 'host_list']);
        expect(policy.released).to.equal(2);
        expect(policy.reviews.map(info => [info.status, info.body])).to.deep.equal([
            [503, 'busy'],
            [200, undefined]
        ]);
        expect(policy.reviews[1].headers['x-ratelimit-remaining']).to.equal('99');
    });

    it('releases a failed attempt at once, and a streamed call only when its body ends', async () => {
        nock(BASE)
            .get('/list')
            .replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))
            .get('/list')
            .reply(200, () => Readable.from(['a', 'b']));
        const policy = new ScriptedPolicy();
        const response = await client(policy).stream({ method: 'GET', path: '/list' });
        expect(policy.acquired).to.have.length(2);
        expect(policy.released).to.equal(1);
        for await (const _chunk of response.body) {
            // drain
        }
        await new Promise(resolve => setImmediate(resolve));
        expect(policy.released).to.equal(2);
    });

    it('waits and retries on a retry verdict, outside the normal retry budget', async () => {
        nock(BASE).get('/list').times(2).reply(409, '<CODE>1960</CODE>').get('/list').reply(200, 'ok');
        const policy = new ScriptedPolicy(info =>
            info.status === 409
                ? { action: 'retry', afterMs: 1234, reason: 'concurrency limit' }
                : { action: 'proceed' }
        );
        const response = await client(policy, 0).request({ method: 'GET', path: '/list', endpoint: 'list' });
        expect(response.status).to.equal(200);
        expect(clock.sleeps).to.deep.equal([1234, 1234]);
        expect(events.filter(event => event.type === 'throttled')).to.deep.equal([
            { type: 'throttled', endpoint: 'list', delayMs: 1234, reason: 'concurrency limit' },
            { type: 'throttled', endpoint: 'list', delayMs: 1234, reason: 'concurrency limit' }
        ]);
        expect(policy.released).to.equal(3);
    });

    it('gives up with a rate_limited error after 20 throttle waits', async () => {
        nock(BASE).get('/list').times(21).reply(409, 'limit');
        const policy = new ScriptedPolicy(() => ({ action: 'retry', afterMs: 10, reason: 'limit' }));
        const error = (await client(policy)
            .request({ method: 'GET', path: '/list' })
            .catch((e: unknown) => e)) as ConnectorError;
        expect(error.kind).to.equal('rate_limited');
        expect(error.retryAfterMs).to.equal(10);
        expect(clock.sleeps).to.have.length(20);
        expect(policy.released).to.equal(21);
    });

    it('throws the error of a fail verdict', async () => {
        nock(BASE).get('/list').reply(200, 'ok');
        const refusal = new ConnectorError('rate_limited', 'Daily API quota used up', { retryAfterMs: 3_600_000 });
        const policy = new ScriptedPolicy(() => ({ action: 'fail', error: refusal }));
        const error = await client(policy)
            .request({ method: 'GET', path: '/list' })
            .catch((e: unknown) => e);
        expect(error).to.equal(refusal);
        await new Promise(resolve => setImmediate(resolve));
        expect(policy.released).to.equal(1);
    });
});
