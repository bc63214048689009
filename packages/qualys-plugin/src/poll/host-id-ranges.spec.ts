import { expect } from 'chai';
import { describeRanges, HostIdSample, planHostIdRanges, usableConcurrency } from './host-id-ranges.js';
import { mergeAsync } from './merge-async.js';
import type { HostIdRangeCursor } from './qualys-checkpoint.js';

/** The range of `ranges` holding `id`, by index; throws when none or several do. */
function rangeOf(ranges: readonly HostIdRangeCursor[], id: number): number {
    const holding = ranges.flatMap((range, i) =>
        (range.idMin ?? -Infinity) <= id && id <= (range.idMax ?? Infinity) ? [i] : []
    );
    if (holding.length !== 1) throw new Error(`host ${id} is in ${holding.length} ranges`);
    return holding[0];
}

describe('usableConcurrency', () => {
    it('keeps one slot free from a limit of 3, uses both of 2, and never exceeds the setting', () => {
        expect([1, 2, 3, 4, 10].map(limit => usableConcurrency(limit, 16))).to.deep.equal([1, 2, 2, 3, 9]);
        expect(usableConcurrency(10, 4)).to.equal(4);
        expect(usableConcurrency(2, 1)).to.equal(1);
        expect(usableConcurrency(0, 4)).to.equal(1);
    });
});

describe('planHostIdRanges', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => 5000 + 3 * i);
    const distribution = (): { count: number; sample: number[] } => {
        const sample = new HostIdSample();
        for (const id of ids) sample.add(id);
        return sample.distribution();
    };

    it('splits into disjoint ranges that cover every id, open at both ends, about as many hosts each', () => {
        for (const count of [2, 3, 4]) {
            const ranges = planHostIdRanges(distribution(), count, 100);
            expect(ranges).to.have.length(count);
            expect(ranges[0].idMin).to.equal(undefined);
            expect(ranges.at(-1)?.idMax).to.equal(undefined);
            for (let i = 1; i < ranges.length; i++) expect(ranges[i].idMin).to.equal(ranges[i - 1].idMax! + 1);
            const sizes = new Array<number>(count).fill(0);
            for (const id of [...ids, 1, 10_000_000]) sizes[rangeOf(ranges, id)] += 1;
            for (const size of sizes) expect(size).to.be.within(1000 / count - 40, 1000 / count + 40);
        }
    });

    it('stays one range without a distribution, for a small tenant, or when asked for one', () => {
        expect(planHostIdRanges(undefined, 4, 100)).to.deep.equal([{}]);
        expect(planHostIdRanges(distribution(), 1, 100)).to.deep.equal([{}]);
        expect(planHostIdRanges({ count: 150, sample: [1, 2, 3, 4] }, 4, 100)).to.deep.equal([{}]);
        expect(planHostIdRanges({ count: 0, sample: [] }, 4, 100)).to.deep.equal([{}]);
        // 250 hosts make two ranges of at least 100, not four.
        expect(planHostIdRanges({ count: 250, sample: [10, 20, 30, 40] }, 4, 100)).to.have.length(2);
    });

    it('never makes an empty range out of repeated ids', () => {
        const ranges = planHostIdRanges({ count: 5000, sample: [7, 7, 7, 7, 9] }, 4, 100);
        expect(ranges).to.deep.equal([{ idMax: 8 }, { idMin: 9 }]);
    });
});

describe('HostIdSample', () => {
    it('keeps a bounded, evenly spread sample of ids added one by one or as runs', () => {
        const one = new HostIdSample(8);
        for (let id = 1; id <= 10_000; id++) one.add(id);
        const runs = new HostIdSample(8);
        for (let start = 1; start <= 10_000; start += 1000) runs.addRange(start, start + 999);
        for (const sample of [one, runs]) {
            const { count, sample: ids } = sample.distribution();
            expect(count).to.equal(10_000);
            expect(ids).to.have.length(8);
            expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
            // Each within about one sampling step (1,024 here) of the even quantile.
            ids.forEach((id, i) => expect(id).to.be.within(i * 1250 - 1300, i * 1250 + 1300));
        }
        expect(runs.distribution()).to.deep.equal(one.distribution());
    });

    it('keeps every id of a small set', () => {
        const sample = new HostIdSample(8);
        for (const id of [30, 10, 20]) sample.add(id);
        expect(sample.distribution()).to.deep.equal({ count: 3, sample: [10, 20, 30] });
    });
});

describe('describeRanges', () => {
    it('says where each range is', () => {
        expect(
            describeRanges([{ idMax: 99, nextIdMin: 50 }, { idMin: 100, idMax: 199, done: true }, { idMin: 200 }])
        ).to.equal('first..99 (at 50), 100..199 (done), 200..last');
        expect(describeRanges([{}])).to.equal('first..last');
    });
});

describe('mergeAsync', () => {
    async function* numbers(from: number, count: number, log: string[]): AsyncGenerator<number> {
        try {
            for (let i = 0; i < count; i++) {
                log.push(`read ${from + i}`);
                yield from + i;
            }
        } finally {
            log.push(`closed ${from}`);
        }
    }

    it('yields every value of every source once, each source asked only after its last value was taken', async () => {
        const log: string[] = [];
        const merged: number[] = [];
        for await (const { source, value } of mergeAsync([numbers(0, 3, log), numbers(100, 2, log)], () => undefined)) {
            merged.push(value);
            expect(Math.floor(value / 100)).to.equal(source);
            // One value per source is read ahead at most: never two unread values of one source.
            const reads = log.filter(line => line.startsWith(`read ${source * 100}`)).length;
            expect(reads - merged.filter(v => Math.floor(v / 100) === source).length).to.be.at.most(1);
        }
        expect([...merged].sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 100, 101]);
    });

    it('reads at most maxActive sources at a time, starting the next as one ends', async () => {
        const log: string[] = [];
        const values: number[] = [];
        for await (const { value } of mergeAsync(
            [numbers(0, 2, log), numbers(100, 2, log), numbers(200, 2, log)],
            () => undefined,
            1
        )) {
            values.push(value);
        }
        expect(values).to.deep.equal([0, 1, 100, 101, 200, 201]);
    });

    it('stops the others and closes every source when one throws, rethrowing its error', async () => {
        const log: string[] = [];
        let stopped = false;
        async function* failing(): AsyncGenerator<number> {
            yield 7;
            throw new Error('page failed for good');
        }
        const taken: number[] = [];
        let caught: unknown;
        try {
            for await (const { value } of mergeAsync([numbers(0, 50, log), failing()], () => (stopped = true))) {
                taken.push(value);
            }
        } catch (error) {
            caught = error;
        }
        expect((caught as Error).message).to.equal('page failed for good');
        expect(stopped).to.equal(true);
        expect(taken).to.include(7);
        expect(log).to.include('closed 0');
        expect(log.filter(line => line.startsWith('read')).length).to.be.below(50);
    });
});
