import { CapturedLogger, FakeClock, InMemoryKeyValueStore } from '@signal-connectors/connector-sdk/testing';
import { expect } from 'chai';
import type { KbSummary } from '../model/index.js';
import { kbList } from '../test/qualys-xml.js';
import { KnowledgeBaseEnricher } from './knowledge-base-enricher.js';

const PREFIX = 'kb:test';

/** An enricher on `store` whose KnowledgeBase calls go to `fetchKnowledgeBase`. */
function enricherFetching(
    store: InMemoryKeyValueStore,
    fetchKnowledgeBase: (params: Record<string, string>) => Promise<string>
): KnowledgeBaseEnricher {
    return new KnowledgeBaseEnricher({
        fetchKnowledgeBase,
        store,
        keyPrefix: PREFIX,
        source: { connector: 'signal-client.qualys', instance: 'kb-test' },
        signal: new AbortController().signal,
        logger: new CapturedLogger(),
        clock: new FakeClock()
    });
}

/** An enricher whose KnowledgeBase calls wait until the spec answers them, one by one. */
function enricherWithHeldCalls(store: InMemoryKeyValueStore): {
    enricher: KnowledgeBaseEnricher;
    calls: { ids: string; answer: () => void }[];
} {
    const calls: { ids: string; answer: () => void }[] = [];
    const enricher = enricherFetching(
        store,
        params =>
            new Promise(resolve => {
                const ids = params.ids.split(',').map(Number);
                calls.push({
                    ids: params.ids,
                    answer: () => resolve(kbList(ids.map(qid => ({ qid, title: `Title ${qid}` }))))
                });
            })
    );
    return { enricher, calls };
}

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise(resolve => setImmediate(resolve));

describe('KnowledgeBaseEnricher: lookups side by side', () => {
    it('fetches a QID two lookups share once, with the first, and caches each lookup only when told', async () => {
        const store = new InMemoryKeyValueStore();
        const { enricher, calls } = enricherWithHeldCalls(store);

        const first = enricher.resolve([1, 2]);
        await settle();
        // The second lookup starts while the first one's call is still under way.
        const second = enricher.resolve([2, 3]);
        await settle();
        expect(calls.map(call => call.ids)).to.deep.equal(['1,2', '3']);
        calls[1].answer();
        calls[0].answer();
        const [one, two] = await Promise.all([first, second]);

        expect(one.artifacts.map(artifact => (artifact.data as KbSummary).qid)).to.deep.equal([1, 2]);
        expect(two.artifacts.map(artifact => (artifact.data as KbSummary).qid)).to.deep.equal([3]);
        expect([...two.summaries.keys()].sort()).to.deep.equal([2, 3]);
        expect(two.summaries.get(2)?.title).to.equal('Title 2');

        // The second batch's entries are cached once it was delivered, not when the first one was.
        await one.persist();
        expect((await store.getMany([`${PREFIX}:1`, `${PREFIX}:2`, `${PREFIX}:3`])).size).to.equal(2);
        await two.persist();
        expect((await store.getMany([`${PREFIX}:3`])).size).to.equal(1);
        expect(enricher.stats).to.deep.equal({ fetched: 3, cached: 0, artifacts: 3 });
    });

    it('fails a lookup waiting on a QID whose call failed', async () => {
        const store = new InMemoryKeyValueStore();
        const enricher = enricherFetching(store, () => Promise.reject(new Error('KnowledgeBase unreachable')));
        const first = enricher.resolve([7]);
        const second = enricher.resolve([7]);
        const outcomes = await Promise.allSettled([first, second]);
        expect(outcomes.map(outcome => outcome.status)).to.deep.equal(['rejected', 'rejected']);
        // Nothing half-read stays behind: a later lookup asks again.
        const third = await Promise.allSettled([enricher.resolve([7])]);
        expect(third[0].status).to.equal('rejected');
    });

    it('hands out summaries at hand only once every QID is settled in memory', async () => {
        let answer: (xml: string) => void = () => undefined;
        const enricher = enricherFetching(
            new InMemoryKeyValueStore(),
            () => new Promise(resolve => (answer = resolve))
        );
        expect(enricher.summariesAtHand([])).to.deep.equal(new Map());
        expect(enricher.summariesAtHand([1])).to.equal(undefined);

        // While its call is under way a QID is not at hand: the lookup fetching it carries its artifact.
        const lookup = enricher.resolve([1, 2, 404]);
        await settle();
        expect(enricher.summariesAtHand([1])).to.equal(undefined);
        answer(kbList([1, 2].map(qid => ({ qid, title: `Title ${qid}` }))));
        await lookup;

        // 404 is not in the KnowledgeBase: settled, without a summary, as resolve() finds it.
        const atHand = enricher.summariesAtHand([2, 404, 1]);
        expect([...(atHand?.keys() ?? [])]).to.deep.equal([2, 1]);
        expect(atHand?.get(2)?.title).to.equal('Title 2');
        expect(enricher.summariesAtHand([1, 3])).to.equal(undefined);
    });
});
