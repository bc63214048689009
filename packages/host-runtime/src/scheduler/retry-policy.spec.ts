import { expect } from 'chai';
import type { PollOutcome } from './poll-events.js';
import {
    DEFAULT_PROTOCOL_RETRIES,
    failureBackoffDelay,
    initialDelayBound,
    nextTick,
    planNextRun,
    protocolRetriesExhausted
} from './retry-policy.js';

const MINUTE = 60_000;

function outcome(fields: Partial<PollOutcome>): PollOutcome {
    return {
        runId: 'r',
        instanceId: 'a',
        connectorId: 'c',
        result: 'success',
        artifacts: 0,
        batches: 0,
        streams: {},
        startedAt: 0,
        finishedAt: 0,
        durationMs: 0,
        ...fields
    };
}

describe('retry policy', () => {
    it('bounds the initial delay by 10% of the interval, at most a minute, unless configured', () => {
        expect(initialDelayBound(5 * MINUTE)).to.equal(30_000);
        expect(initialDelayBound(4 * 60 * MINUTE)).to.equal(MINUTE);
        expect(initialDelayBound(4 * 60 * MINUTE, 5 * MINUTE)).to.equal(5 * MINUTE);
    });

    it('backs off from interval/8, doubling, capped at the interval', () => {
        expect([1, 2, 3, 4, 5, 40].map(n => failureBackoffDelay(80 * MINUTE, n) / MINUTE)).to.deep.equal([
            10, 20, 40, 80, 80, 80
        ]);
    });

    it('retries protocol failures with backoff up to the limit (5 by default), then plans the normal schedule', () => {
        const interval = 80 * MINUTE;
        const truncated = outcome({
            result: 'failed',
            startedAt: 2 * MINUTE,
            finishedAt: 3 * MINUTE,
            error: { kind: 'protocol', message: 'truncated' }
        });
        const plan = (failures: number, limit?: number) =>
            planNextRun(
                truncated,
                interval,
                failures,
                3 * MINUTE,
                limit === undefined ? undefined : { failures, limit }
            ).reason;
        expect(DEFAULT_PROTOCOL_RETRIES).to.equal(5);
        expect(planNextRun(truncated, interval, 1, 3 * MINUTE, { failures: 5, limit: 5 })).to.deep.equal({
            at: 13 * MINUTE,
            reason: 'backoff'
        });
        expect(planNextRun(truncated, interval, 6, 3 * MINUTE, { failures: 6, limit: 5 })).to.deep.equal({
            at: 82 * MINUTE,
            reason: 'retries-exhausted'
        });
        expect(plan(1, 0)).to.equal('retries-exhausted');
        expect(protocolRetriesExhausted({ failures: 3, limit: 2 })).to.equal(true);
        expect(protocolRetriesExhausted({ failures: 2, limit: 2 })).to.equal(false);
    });

    it('skips the ticks missed by a long poll', () => {
        expect(nextTick(0, 10, 0)).to.equal(10);
        expect(nextTick(0, 10, 35)).to.equal(40);
    });

    it('plans the next run by outcome', () => {
        const interval = 80 * MINUTE;
        expect(planNextRun(outcome({ startedAt: 0, finishedAt: 5 * MINUTE }), interval, 0, 5 * MINUTE)).to.deep.equal({
            at: interval,
            reason: 'schedule'
        });
        const busy = outcome({ result: 'failed', finishedAt: MINUTE, error: { kind: 'transient', message: 'busy' } });
        expect(planNextRun(busy, interval, 2, MINUTE)).to.deep.equal({ at: 21 * MINUTE, reason: 'backoff' });
        const limited = outcome({
            result: 'failed',
            finishedAt: MINUTE,
            error: { kind: 'rate_limited', message: 'slow down', retryAfterMs: 30_000 }
        });
        expect(planNextRun(limited, interval, 1, MINUTE)).to.deep.equal({ at: MINUTE + 30_000, reason: 'retry-after' });
        const denied = outcome({
            result: 'failed',
            finishedAt: MINUTE,
            error: { kind: 'permission', message: 'no VM module' }
        });
        expect(planNextRun(denied, interval, 7, MINUTE)).to.deep.equal({ at: interval, reason: 'failed' });
    });
});
