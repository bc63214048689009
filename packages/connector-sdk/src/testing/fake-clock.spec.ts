import { expect } from 'chai';
import { FakeClock } from './fake-clock.js';

const START = Date.parse('2024-01-01T00:00:00Z');

describe('FakeClock', () => {
    it('starts at a fixed time, or the one given', () => {
        expect(new FakeClock().now()).to.equal(START);
        expect(new FakeClock({ now: '2025-06-01T12:00:00Z' }).now()).to.equal(Date.parse('2025-06-01T12:00:00Z'));
        expect(new FakeClock({ now: 5 }).now()).to.equal(5);
    });

    it('resolves a sleep only once advance() moves time past it', async () => {
        const clock = new FakeClock();
        let woke = false;
        const sleeping = clock.sleep(1000).then(() => (woke = true));
        expect(clock.pendingSleeps).to.equal(1);
        await clock.advance(999);
        expect(woke).to.equal(false);
        await clock.advance(1);
        await sleeping;
        expect(woke).to.equal(true);
        expect(clock.now()).to.equal(START + 1000);
        expect(clock.pendingSleeps).to.equal(0);
    });

    it('wakes sleeps in due order, with the time they were due', async () => {
        const clock = new FakeClock();
        const woke: [string, number][] = [];
        const note = (name: string) => () => woke.push([name, clock.now() - START]);
        void clock.sleep(300).then(note('c'));
        void clock.sleep(100).then(note('a'));
        void clock.sleep(200).then(note('b'));
        await clock.advance(1000);
        expect(woke).to.deep.equal([
            ['a', 100],
            ['b', 200],
            ['c', 300]
        ]);
        expect(clock.now()).to.equal(START + 1000);
    });

    it('lets a loop that sleeps repeatedly advance as it would in real time', async () => {
        const clock = new FakeClock();
        const ticks: number[] = [];
        const loop = (async () => {
            for (let i = 0; i < 5; i++) {
                await clock.sleep(1000);
                ticks.push(clock.now() - START);
            }
        })();
        await clock.advance(3500);
        expect(ticks).to.deep.equal([1000, 2000, 3000]);
        await clock.runAll();
        await loop;
        expect(ticks).to.deep.equal([1000, 2000, 3000, 4000, 5000]);
    });

    it('advances to the next timer, and says when there is none', async () => {
        const clock = new FakeClock();
        void clock.sleep(250);
        void clock.sleep(250);
        void clock.sleep(900);
        expect(await clock.advanceToNextTimer()).to.equal(true);
        expect([clock.now() - START, clock.pendingSleeps]).to.deep.equal([250, 1]);
        expect(await clock.advanceToNextTimer()).to.equal(true);
        expect(await clock.advanceToNextTimer()).to.equal(false);
        expect(clock.now() - START).to.equal(900);
    });

    it('rejects a sleep with the reason when its signal aborts, before or during', async () => {
        const clock = new FakeClock();
        const controller = new AbortController();
        const sleeping = clock.sleep(1000, controller.signal);
        controller.abort(new Error('stop'));
        const error = await sleeping.then(
            () => undefined,
            (e: Error) => e
        );
        expect(error?.message).to.equal('stop');
        expect(clock.pendingSleeps).to.equal(0);
        const late = await clock.sleep(10, controller.signal).then(
            () => undefined,
            (e: Error) => e
        );
        expect(late?.message).to.equal('stop');
    });

    it('resolves sleeps at once in autoAdvance mode, moving the time', async () => {
        const clock = new FakeClock({ autoAdvance: true });
        await clock.sleep(1500);
        await clock.sleep(500);
        expect(clock.now()).to.equal(START + 2000);
        expect(clock.pendingSleeps).to.equal(0);
    });

    it('treats a zero or negative sleep as a yield', async () => {
        const clock = new FakeClock();
        await clock.sleep(0);
        await clock.sleep(-5);
        expect(clock.now()).to.equal(START);
    });

    it('refuses to go back in time while sleeps are pending', () => {
        const clock = new FakeClock();
        clock.setTime(START + 10);
        void clock.sleep(10);
        expect(() => clock.setTime(START)).to.throw(/cannot go back/);
    });
});
