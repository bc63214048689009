import { expect } from 'chai';
import { backoffDelay, parseRetryAfter, retryDelay } from './retry-delay.js';

describe('retry delays', () => {
    it('doubles the backoff ceiling each attempt, with full jitter, up to the cap', () => {
        const top = (): number => 0.999999;
        expect([1, 2, 3, 4].map(attempt => backoffDelay(attempt, 1000, 300_000, top))).to.deep.equal([
            999, 1999, 3999, 7999
        ]);
        expect(backoffDelay(20, 1000, 300_000, top)).to.equal(299_999);
        expect(backoffDelay(3, 1000, 300_000, () => 0)).to.equal(0);
        expect(backoffDelay(3, 1000, 300_000, () => 0.5)).to.equal(2000);
    });

    it('reads Retry-After as seconds or as an HTTP date', () => {
        const now = Date.parse('2026-01-01T00:00:00Z');
        expect(parseRetryAfter({ 'retry-after': '7' }, now)).to.equal(7000);
        expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).to.equal(30_000);
        expect(parseRetryAfter({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }, now)).to.equal(0);
        expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).to.equal(undefined);
        expect(parseRetryAfter({}, now)).to.equal(undefined);
    });

    it('prefers Retry-After over backoff, capped at the maximum delay', () => {
        const options = { baseMs: 1000, maxMs: 60_000, now: 0, random: () => 0.5 };
        expect(retryDelay(1, { 'retry-after': '3' }, options)).to.equal(3000);
        expect(retryDelay(1, { 'retry-after': '3600' }, options)).to.equal(60_000);
        expect(retryDelay(2, {}, options)).to.equal(1000);
    });
});
