import { expect } from 'chai';
import { QualysSandbox } from './qualys-sandbox.js';
import { RateLimiter } from './rate-limiter.js';
import { basicAuth, call, HLD_PATH, KB_PATH, simpleReturn } from './test-client.spec.helper.js';

describe('RateLimiter', () => {
    it('slides its window and reports how long to wait', () => {
        let now = 1_000_000;
        const limiter = new RateLimiter({ limit: 2, windowSec: 10, concurrency: 5 }, {}, () => now);
        const first = limiter.acquire('hld');
        expect(first.kind).to.equal('allowed');
        expect(first.headers['X-RateLimit-Remaining']).to.equal('1');
        now += 4000;
        expect(limiter.acquire('hld').headers['X-RateLimit-Remaining']).to.equal('0');
        now += 1000;
        const blocked = limiter.acquire('hld');
        expect(blocked).to.include({ kind: 'rate', toWaitSec: 5 });
        expect(blocked.headers['X-RateLimit-ToWait-Sec']).to.equal('5');
        expect(limiter.acquire('kb').kind).to.equal('allowed');
        now += 5000;
        expect(limiter.acquire('hld').kind).to.equal('allowed');
    });

    it('counts running calls until released and lets concurrency win over rate', () => {
        const limiter = new RateLimiter({ limit: 1, windowSec: 60, concurrency: 1 });
        const first = limiter.acquire('kb');
        if (first.kind !== 'allowed') throw new Error('expected admission');
        expect(first.headers['X-Concurrency-Limit-Running']).to.equal('1');
        const second = limiter.acquire('kb');
        expect(second.kind).to.equal('concurrency');
        expect(second.headers).not.to.have.property('X-RateLimit-ToWait-Sec');
        expect(second.headers).not.to.have.property('X-RateLimit-Remaining');
        first.release();
        first.release();
        expect(limiter.snapshot().kb.running).to.equal(0);
        expect(limiter.acquire('kb').kind).to.equal('rate');
    });

    it('remembers the most calls that ran at once, per endpoint, until reset', () => {
        const limiter = new RateLimiter({ limit: 100, windowSec: 60, concurrency: 3 });
        const admitted = [limiter.acquire('hld'), limiter.acquire('hld'), limiter.acquire('hld'), limiter.acquire('hld')];
        expect(admitted.map(decision => decision.kind)).to.deep.equal(['allowed', 'allowed', 'allowed', 'concurrency']);
        for (const decision of admitted) if (decision.kind === 'allowed') decision.release();
        const one = limiter.acquire('hld');
        expect(limiter.snapshot().hld).to.include({ running: 1, peakRunning: 3 });
        expect(limiter.snapshot().kb).to.include({ running: 0, peakRunning: 0 });
        limiter.reset('hld');
        expect(limiter.snapshot().hld).to.include({ running: 1, peakRunning: 1 });
        if (one.kind === 'allowed') one.release();
    });
});

describe('authentication, headers and limits over HTTP', () => {
    let sandbox: QualysSandbox;

    afterEach(async () => {
        await sandbox.close();
    });

    it('answers bad or missing credentials with 401 and code 2000', async () => {
        sandbox = await QualysSandbox.start({ hosts: 3, username: 'alice', password: 's3cret' });
        for (const auth of [false, basicAuth('alice', 'wrong'), basicAuth('bob', 's3cret')] as const) {
            const res = await call(sandbox, HLD_PATH, { action: 'list' }, { auth });
            expect(res.status).to.equal(401);
            expect(await simpleReturn(res.body)).to.include({ code: 2000, text: 'Bad Login/Password' });
            expect(res.headers.get('x-ratelimit-limit')).to.equal('300');
        }
        const bearer = await call(sandbox, HLD_PATH, { action: 'list' }, { auth: 'Bearer abc' });
        expect(bearer.status).to.equal(401);
        expect((await simpleReturn(bearer.body)).code).to.equal(2000);
        expect((await call(sandbox, HLD_PATH, { action: 'list' })).status).to.equal(200);
        expect(sandbox.credentials).to.deep.equal({ username: 'alice', password: 's3cret' });
    });

    it('requires X-Requested-With on every API call', async () => {
        sandbox = await QualysSandbox.start({ hosts: 3 });
        for (const path of [HLD_PATH, KB_PATH, '/msp/about.php']) {
            const res = await call(sandbox, path, { action: 'list' }, { requestedWith: false });
            expect(res.status).to.equal(400);
            const error = await simpleReturn(res.body);
            expect(error.code).to.equal(1903);
            expect(error.text).to.contain('X-Requested-With');
        }
    });

    it('sends the limit headers on every response and counts each endpoint separately', async () => {
        sandbox = await QualysSandbox.start({ hosts: 3, rateLimit: { limit: 5, windowSec: 600, concurrency: 3 } });
        const first = await call(sandbox, HLD_PATH, { action: 'list' });
        expect(Object.fromEntries([...first.headers].filter(([name]) => name.startsWith('x-')))).to.deep.equal({
            'x-ratelimit-limit': '5',
            'x-ratelimit-window-sec': '600',
            'x-ratelimit-remaining': '4',
            'x-ratelimit-towait-sec': '0',
            'x-concurrency-limit-limit': '3',
            'x-concurrency-limit-running': '1'
        });
        expect((await call(sandbox, HLD_PATH, { action: 'list' })).headers.get('x-ratelimit-remaining')).to.equal('3');
        expect(
            (await call(sandbox, KB_PATH, { action: 'list', ids: 1 })).headers.get('x-ratelimit-remaining')
        ).to.equal('4');
    });

    it('blocks calls over the rate limit with 409 / 1965 and a ToWait header', async () => {
        sandbox = await QualysSandbox.start({ hosts: 3, rateLimit: { limit: 2, windowSec: 3600, concurrency: 2 } });
        await call(sandbox, HLD_PATH, { action: 'list' });
        await call(sandbox, HLD_PATH, { action: 'list' });
        const blocked = await call(sandbox, HLD_PATH, { action: 'list' });
        expect(blocked.status).to.equal(409);
        const error = await simpleReturn(blocked.body);
        expect(error.code).to.equal(1965);
        expect(error.text).to.match(/^This API cannot be run again for another (59 minutes and \d+ seconds|1 hour)\.$/);
        const wait = Number(blocked.headers.get('x-ratelimit-towait-sec'));
        expect(wait).to.be.within(3590, 3600);
        expect(Number(error.items.SECONDS_TO_WAIT)).to.equal(wait);
        expect(blocked.headers.get('x-ratelimit-remaining')).to.equal('0');
        expect((await call(sandbox, KB_PATH, { action: 'list', ids: 1 })).status).to.equal(200);
        sandbox.limits.reset('hld');
        expect((await call(sandbox, HLD_PATH, { action: 'list' })).status).to.equal(200);
    });

    it('blocks calls over the concurrency limit with 409 / 1960 (concurrency wins over rate)', async () => {
        sandbox = await QualysSandbox.start({ hosts: 3, rateLimit: { limit: 1, windowSec: 3600, concurrency: 1 } });
        sandbox.faults.inject({ type: 'slow-first-byte', delayMs: 300, endpoint: 'hld' });
        const slow = call(sandbox, HLD_PATH, { action: 'list' });
        while (sandbox.limits.snapshot().hld.running === 0) await new Promise(resolve => setTimeout(resolve, 10));
        const blocked = await call(sandbox, HLD_PATH, { action: 'list' });
        expect(blocked.status).to.equal(409);
        const error = await simpleReturn(blocked.body);
        expect(error).to.deep.include({
            code: 1960,
            text: 'This API cannot be run again until 1 currently running instance has finished.'
        });
        expect(error.items).to.deep.equal({ CALLS_TO_FINISH: '1' });
        expect(blocked.headers.get('x-ratelimit-towait-sec')).to.equal(null);
        expect(blocked.headers.get('x-ratelimit-remaining')).to.equal(null);
        expect(blocked.headers.get('x-concurrency-limit-running')).to.equal('1');
        expect((await slow).status).to.equal(200);
        // Once the slow call finished only the (exhausted) rate limit remains.
        expect((await simpleReturn((await call(sandbox, HLD_PATH, { action: 'list' })).body)).code).to.equal(1965);
    });
});
