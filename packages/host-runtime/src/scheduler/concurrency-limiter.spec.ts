import { expect } from 'chai';
import { ConcurrencyLimiter } from './concurrency-limiter.js';

describe('ConcurrencyLimiter', () => {
    it('grants slots up to the limit and hands freed slots to waiters in order', async () => {
        const limiter = new ConcurrencyLimiter(1);
        const order: string[] = [];
        const first = await limiter.acquire();
        const second = limiter.acquire().then(release => (order.push('second'), release));
        const third = limiter.acquire().then(release => (order.push('third'), release));
        expect(limiter.waiting).to.equal(2);

        first();
        first(); // a second call must not free a second slot
        (await second)();
        (await third)();

        expect(order).to.deep.equal(['second', 'third']);
        expect(limiter.running).to.equal(0);
    });

    it('drops a waiter whose signal aborts', async () => {
        const limiter = new ConcurrencyLimiter(1);
        const held = await limiter.acquire();
        const controller = new AbortController();
        const waiting = limiter.acquire(controller.signal);
        controller.abort(new Error('stopping'));

        let error: unknown;
        await waiting.catch(e => (error = e));
        expect((error as Error).message).to.equal('stopping');
        expect(limiter.waiting).to.equal(0);
        held();
        expect(limiter.running).to.equal(0);
    });

    it('rejects a limit below one', () => {
        expect(() => new ConcurrencyLimiter(0)).to.throw(RangeError);
    });
});
