import { expect } from 'chai';
import nock from 'nock';
import { QualysConnector } from '../qualys-connector.js';
import { answer, FakeQualys, ok } from '../test/fake-qualys.js';
import {
    drain,
    findingKeys,
    limiterRegistry,
    pollError,
    pollHarness,
    runSummaryOf,
    testConfig,
    until
} from '../test/poll-harness.js';
import { hldPage, hostsRange, simpleReturn } from '../test/qualys-xml.js';

const SECOND = 1000;

/**
 * A 409 rate block: code 1965, ToWait header and SECONDS_TO_WAIT. Without `remaining` it leaves out
 * X-RateLimit-Remaining, so what is tested is the block alone; with it, the floor of calls kept for people and
 * other tools comes into play as well.
 */
function rateBlock(toWaitSec: number, remaining?: number) {
    return answer(
        409,
        simpleReturn(1965, `This API cannot be run again for another ${toWaitSec} seconds.`, {
            SECONDS_TO_WAIT: String(toWaitSec)
        }),
        {
            'X-RateLimit-Limit': '300',
            'X-RateLimit-Window-Sec': '3600',
            ...(remaining === undefined ? {} : { 'X-RateLimit-Remaining': String(remaining) }),
            'X-RateLimit-ToWait-Sec': String(toWaitSec),
            'X-Concurrency-Limit-Limit': '2',
            'X-Concurrency-Limit-Running': '0'
        }
    );
}

/** Limit headers of a successful answer with `remaining` calls left of 300 per hour. */
function withinLimits(remaining: number): Record<string, string> {
    return {
        'X-RateLimit-Limit': '300',
        'X-RateLimit-Window-Sec': '3600',
        'X-RateLimit-Remaining': String(remaining),
        'X-Concurrency-Limit-Limit': '2'
    };
}

/** A 409 concurrency block: code 1960, and no ToWait or Remaining header. */
const concurrencyBlock = answer(
    409,
    simpleReturn(1960, 'This API cannot be run again until 1 currently running instance has finished.', {
        CALLS_TO_FINISH: '1'
    }),
    {
        'X-RateLimit-Limit': '300',
        'X-RateLimit-Window-Sec': '3600',
        'X-Concurrency-Limit-Limit': '2',
        'X-Concurrency-Limit-Running': '2'
    }
);

describe('pollQualys: throttling', () => {
    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    afterEach(() => nock.cleanAll());

    it('sends no call to a rate-blocked API before X-RateLimit-ToWait-Sec has passed, then completes', async () => {
        const h = pollHarness({ autoAdvance: false });
        const qualys = new FakeQualys(h.clock).on('hld', rateBlock(181), ok(hldPage(hostsRange(100, 2))));
        const start = h.clock.now();
        const polling = drain(new QualysConnector(limiterRegistry(h.clock)).poll(testConfig(), {}, h.ctx));

        await until(() => h.clock.pendingSleeps > 0, 'the throttle wait');
        await h.clock.advance(180 * SECOND);
        await new Promise(resolve => setTimeout(resolve, 20));
        expect(qualys.times('hld')).to.have.length(1);

        await h.clock.advance(SECOND);
        const outcome = await polling;
        expect(outcome.error).to.equal(undefined);
        expect(qualys.times('hld')).to.deep.equal([start, start + 181 * SECOND]);
        expect(findingKeys(outcome.batches)).to.have.length(2);
        expect(runSummaryOf(outcome.batches)).to.include({ outcome: 'complete', throttled: 1 });
        expect(h.metrics.total('rate_limit_waits_total', { endpoint: 'host_detection' })).to.equal(1);
    });

    it('backs off after a concurrency block (1960) and retries', async () => {
        const h = pollHarness();
        const qualys = new FakeQualys(h.clock).on('hld', concurrencyBlock, ok(hldPage(hostsRange(100, 1))));
        const outcome = await drain(new QualysConnector(limiterRegistry(h.clock)).poll(testConfig(), {}, h.ctx));

        expect(outcome.error).to.equal(undefined);
        const [first, second] = qualys.times('hld');
        // Half fixed, half jitter of the 5 s first backoff.
        expect(second - first).to.be.within(2.5 * SECOND, 5 * SECOND);
        expect(runSummaryOf(outcome.batches).throttled).to.equal(1);
    });

    it('fails a poll blocked for hours as rate_limited at once, instead of sleeping through the block', async () => {
        const h = pollHarness();
        const start = h.clock.now();
        const qualys = new FakeQualys(h.clock).on('hld', rateBlock(24 * 3600), ok(hldPage(hostsRange(100, 1))));
        const outcome = await drain(new QualysConnector(limiterRegistry(h.clock)).poll(testConfig(), {}, h.ctx));

        const error = pollError(outcome);
        expect(error.kind).to.equal('rate_limited');
        expect(error.retryAfterMs).to.equal(24 * 3600 * SECOND);
        expect(qualys.times('hld')).to.have.length(1);
        // The host reschedules the poll; the run itself must not have waited out the day.
        expect(h.clock.now() - start).to.be.below(3600 * SECOND);
    });

    it('stops at the floor of calls kept for people and other tools, and says until when', async () => {
        const h = pollHarness();
        const start = h.clock.now();
        const qualys = new FakeQualys(h.clock).on(
            'hld',
            ok(hldPage(hostsRange(100, 1), { nextIdMin: 101 }), withinLimits(3)),
            ok(hldPage(hostsRange(101, 1), { nextIdMin: 102 }), withinLimits(2)),
            ok(hldPage(hostsRange(102, 1)), withinLimits(1))
        );
        const outcome = await drain(
            new QualysConnector(limiterRegistry(h.clock)).poll(testConfig({ truncationLimit: 1 }), {}, h.ctx)
        );

        // Two pages brought the window down to the floor of 2: the third is not asked for.
        expect(qualys.times('hld')).to.have.length(2);
        const error = pollError(outcome);
        expect(error.kind).to.equal('rate_limited');
        expect(error.message).to.contain('only the floor of 2 calls');
        // Nothing else is known to leave the window sooner than its first call, an hour after it was made.
        const clearsAt = new Date(start + 3600 * SECOND).toISOString();
        expect(error.retryAfterMs).to.equal(3600 * SECOND);
        expect(error.hint).to.contain(`allowed at ${clearsAt}`);
        expect(findingKeys(outcome.batches)).to.deep.equal(['100:38794', '101:38794']);
        expect(runSummaryOf(outcome.batches).outcome).to.equal('failed');
    });

    it('after a block with no call left, waits for the floor as well, not just the block', async () => {
        const h = pollHarness();
        const qualys = new FakeQualys(h.clock).on('hld', rateBlock(181, 0), ok(hldPage(hostsRange(100, 1))));
        const outcome = await drain(new QualysConnector(limiterRegistry(h.clock)).poll(testConfig(), {}, h.ctx));

        expect(qualys.times('hld')).to.have.length(1);
        expect(pollError(outcome)).to.include({ kind: 'rate_limited' });
        expect(pollError(outcome).message).to.contain('floor');
    });

    it("holds back one instance's call while another instance of the same subscription is rate-blocked", async () => {
        const a = pollHarness({ autoAdvance: false, instanceId: 'qualys-a' });
        const b = pollHarness({ clock: a.clock, instanceId: 'qualys-b' });
        const clock = a.clock;
        // One registry, as the plugin container holds it: both instances draw from one budget.
        const registry = limiterRegistry(clock);
        const connector = new QualysConnector(registry);
        const qualys = new FakeQualys(clock).on('hld', rateBlock(181));
        const start = clock.now();

        const pollA = drain(connector.poll(testConfig({ truncationLimit: 2 }), {}, a.ctx));
        await until(() => clock.pendingSleeps > 0, "instance A's throttle wait");
        qualys.on('hld', ok(hldPage(hostsRange(100, 1))), ok(hldPage(hostsRange(100, 1))));
        const pollB = drain(connector.poll(testConfig({ truncationLimit: 3 }), {}, b.ctx));
        await until(() => clock.pendingSleeps > 1, "instance B's wait for the shared limiter");
        await clock.advance(180 * SECOND);
        await new Promise(resolve => setTimeout(resolve, 20));
        expect(qualys.forms('hld').map(form => form.truncation_limit)).to.deep.equal(['2']);

        await clock.advance(SECOND);
        const [outcomeA, outcomeB] = await Promise.all([pollA, pollB]);
        expect(outcomeA.error).to.equal(undefined);
        expect(outcomeB.error).to.equal(undefined);
        const calls = qualys.requests.map(request => ({
            limit: request.form.truncation_limit,
            at: request.at - start
        }));
        expect(calls.filter(call => call.limit === '3')).to.deep.equal([{ limit: '3', at: 181 * SECOND }]);
        // B never earned a 409 of its own.
        expect(runSummaryOf(outcomeB.batches).throttled).to.equal(0);
    });
});
