import { LEGACY_CHECKPOINT_KEY } from '@signal-connectors/connector-sdk';
import { expect } from 'chai';
import nock from 'nock';
import type { KbSummary } from '../model/index.js';
import { FakeQualys, ok } from '../test/fake-qualys.js';
import {
    artifactsOf,
    drain,
    kbArtifacts,
    checkpointsAfter,
    pollHarness,
    type PollHarness,
    runSummaryOf,
    startPoll,
    testConfig,
    USERNAME
} from '../test/poll-harness.js';
import { hldPage, hostsRange, kbList } from '../test/qualys-xml.js';

// The cache is per subscription: API server and user.
const KB_KEY = `kb:qualysapi.qg2.apps.qualys.com:${USERNAME}`;
const QIDS = [38794, 90043, 11827];

/** The cached QIDs of the plugin store. */
async function cachedQids(h: PollHarness): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of h.pluginStore.keys(`${KB_KEY}:`)) keys.push(key.slice(KB_KEY.length + 1));
    return keys;
}

/** Titles of the findings delivered. */
function findingTitles(findings: ReturnType<typeof artifactsOf>): string[] {
    return findings.map(artifact => (artifact.data as { finding_info: { title: string } }).finding_info.title);
}

describe('pollQualys: KnowledgeBase enrichment', () => {
    const config = testConfig({ kbEnrichment: true });

    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    afterEach(() => nock.cleanAll());

    it('fetches the QIDs of a chunk by ids in a POST, once, and enriches every finding', async () => {
        const h = pollHarness();
        const qualys = new FakeQualys(h.clock)
            .on('hld', ok(hldPage(hostsRange(100, 3, QIDS))))
            .on('kb', ok(kbList(QIDS.map(qid => ({ qid, title: `Title ${qid}` })))));
        const { batches, error } = await drain(startPoll(config, undefined, h));

        expect(error).to.equal(undefined);
        expect(qualys.forms('kb')).to.deep.equal([{ details: 'All', ids: '38794,90043,11827', action: 'list' }]);
        expect(kbArtifacts(batches).map(artifact => (artifact.data as KbSummary).qid)).to.deep.equal(QIDS);
        const findings = artifactsOf(batches, 'ocsf.vulnerability_finding');
        expect(findingTitles(findings)).to.deep.equal([0, 1, 2].flatMap(() => QIDS.map(qid => `Title ${qid}`)));
        expect(runSummaryOf(batches).knowledgeBase).to.deep.equal({ fetched: 3, cached: 0, artifacts: 3 });
        expect(await cachedQids(h)).to.have.members(QIDS.map(String));
    });

    it('asks for at most 500 QIDs per call', async () => {
        const h = pollHarness();
        const many = Array.from({ length: 501 }, (_, i) => 1000 + i);
        const qualys = new FakeQualys(h.clock)
            .on('hld', ok(hldPage(hostsRange(100, 1, many))))
            .on('kb', ok(kbList([])), ok(kbList([])));
        await drain(startPoll(config, undefined, h));

        expect(qualys.forms('kb').map(form => form.ids.split(',').length)).to.deep.equal([500, 1]);
    });

    it('makes no KnowledgeBase call and emits no KnowledgeBase artifact for cached QIDs', async () => {
        const first = pollHarness();
        new FakeQualys(first.clock)
            .on('hld', ok(hldPage(hostsRange(100, 2, QIDS))))
            .on('kb', ok(kbList(QIDS.map(qid => ({ qid, title: `Title ${qid}` })))));
        const firstPoll = await drain(startPoll(config, undefined, first));
        nock.cleanAll();

        const second = pollHarness({ pluginStore: first.pluginStore });
        const qualys = new FakeQualys(second.clock).on('hld', ok(hldPage(hostsRange(100, 2, QIDS))));
        const { batches, error } = await drain(startPoll(config, checkpointsAfter(firstPoll.items), second));

        expect(error).to.equal(undefined);
        expect(qualys.forms('kb')).to.deep.equal([]);
        expect(kbArtifacts(batches)).to.deep.equal([]);
        const findings = artifactsOf(batches, 'ocsf.vulnerability_finding');
        expect(findingTitles(findings)).to.include('Title 38794');
        expect(runSummaryOf(batches).knowledgeBase).to.deep.equal({ fetched: 0, cached: 3, artifacts: 0 });
    });

    it('emits a QID seen in several chunks once', async () => {
        const h = pollHarness();
        const qualys = new FakeQualys(h.clock)
            .on('hld', ok(hldPage(hostsRange(100, 4, [38794]))))
            .on('kb', ok(kbList([{ qid: 38794 }])));
        const { batches } = await drain(startPoll(config, undefined, h, { chunkHosts: 1 }));

        expect(qualys.forms('kb')).to.have.length(1);
        expect(kbArtifacts(batches)).to.have.length(1);
    });

    it('titles the findings of hosts read after a lookup from its entries, with no further call', async () => {
        const h = pollHarness();
        const qualys = new FakeQualys(h.clock)
            .on('hld', ok(hldPage(hostsRange(100, 4, QIDS))))
            .on('kb', ok(kbList(QIDS.map(qid => ({ qid, title: `Title ${qid}` })))));
        // One host per chunk: the hosts after the first are read once its lookup brought the entries in.
        const { batches, error } = await drain(startPoll(config, undefined, h, { chunkHosts: 1 }));

        expect(error).to.equal(undefined);
        expect(qualys.forms('kb')).to.have.length(1);
        const findings = artifactsOf(batches, 'ocsf.vulnerability_finding');
        expect(findingTitles(findings)).to.deep.equal([0, 1, 2, 3].flatMap(() => QIDS.map(qid => `Title ${qid}`)));
    });

    it('writes the cache only after the batch carrying the KnowledgeBase artifact was consumed', async () => {
        const h = pollHarness();
        new FakeQualys(h.clock)
            .on('hld', ok(hldPage(hostsRange(100, 4, QIDS))))
            .on('kb', ok(kbList(QIDS.map(qid => ({ qid })))));
        const poll = startPoll(config, undefined, h, { chunkHosts: 2 });
        let next = await poll.next();
        while (!next.done && kbArtifacts([next.value]).length === 0) next = await poll.next();
        expect(next.done === false && 'stream' in next.value && next.value.stream).to.equal('host_detections');
        expect(next.done).to.equal(false);
        // Received, not yet acknowledged: a consumer that crashed now must find the entries fetched again.
        expect(await cachedQids(h)).to.deep.equal([]);

        // Asking for the next batch acknowledges this one.
        await poll.next();
        expect(await cachedQids(h)).to.have.members(QIDS.map(String));
        await poll.return(undefined);
    });

    it('does not write the cache when the consumer stops after receiving the batch', async () => {
        const h = pollHarness();
        new FakeQualys(h.clock)
            .on('hld', ok(hldPage(hostsRange(100, 4, QIDS))))
            .on('kb', ok(kbList(QIDS.map(qid => ({ qid })))));
        for await (const item of startPoll(config, undefined, h, { chunkHosts: 2 })) {
            if (kbArtifacts([item]).length > 0) break;
        }
        expect(await cachedQids(h)).to.deep.equal([]);
    });

    it('refreshes cached QIDs modified since the last refresh after 6 hours and emits their new versions', async () => {
        const first = pollHarness({ now: '2024-05-14T10:00:00Z' });
        new FakeQualys(first.clock)
            .on('hld', ok(hldPage(hostsRange(100, 1, QIDS))))
            .on('kb', ok(kbList(QIDS.map(qid => ({ qid, modified: '2024-03-02T12:01:15Z' })))));
        const firstPoll = await drain(startPoll(config, undefined, first));
        const firstIds = new Set(kbArtifacts(firstPoll.batches).map(artifact => artifact.id));
        nock.cleanAll();

        // Five hours on: no refresh yet.
        const early = pollHarness({ now: '2024-05-14T15:00:00Z', pluginStore: first.pluginStore });
        const earlyQualys = new FakeQualys(early.clock).on('hld', ok(hldPage([])));
        const earlyPoll = await drain(startPoll(config, checkpointsAfter(firstPoll.items), early));
        expect(earlyQualys.forms('kb')).to.deep.equal([]);
        nock.cleanAll();

        const later = pollHarness({ now: '2024-05-14T16:00:00Z', pluginStore: first.pluginStore });
        const qualys = new FakeQualys(later.clock)
            .on('kb', ok(kbList([{ qid: 90043, modified: '2024-05-14T12:00:00Z', title: 'Revised' }])))
            .on('hld', ok(hldPage(hostsRange(100, 1, QIDS))));
        const { batches, error } = await drain(
            startPoll(config, checkpointsAfter(earlyPoll.items, checkpointsAfter(firstPoll.items)), later)
        );

        expect(error).to.equal(undefined);
        expect(qualys.forms('kb')).to.deep.equal([
            { details: 'All', ids: '11827,38794,90043', last_modified_after: '2024-05-14T10:00:00Z', action: 'list' }
        ]);
        const refreshed = kbArtifacts(batches);
        expect(refreshed.map(artifact => (artifact.data as KbSummary).qid)).to.deep.equal([90043]);
        expect(firstIds.has(refreshed[0].id)).to.equal(false);
        // The refresh is the knowledge_base stream's only batch, and goes first.
        expect(batches[0]).to.deep.include({
            stream: 'knowledge_base',
            checkpoint: { version: 2, refreshedAt: '2024-05-14T16:00:00Z' }
        });
        expect(earlyPoll.batches.map(batch => batch.stream)).to.not.include('knowledge_base');
        const cached = await later.pluginStore.get<KbSummary>(`${KB_KEY}:90043`);
        expect(cached?.lastServiceModified).to.equal('2024-05-14T12:00:00Z');
        const titles = findingTitles(artifactsOf(batches, 'ocsf.vulnerability_finding'));
        expect(titles).to.include('Revised');
    });

    it('commits the refresh time inherited from a checkpoint from before streams, with no refresh due', async () => {
        const h = pollHarness({ now: '2024-05-14T10:00:00Z' });
        const qualys = new FakeQualys(h.clock).on('hld', ok(hldPage([])));
        const legacy = {
            version: 1,
            detectionWatermark: '2024-05-14T09:00:00Z',
            kbRefreshedAt: '2024-05-14T08:00:00Z'
        };
        const { batches, error } = await drain(startPoll(config, { [LEGACY_CHECKPOINT_KEY]: legacy }, h));

        expect(error).to.equal(undefined);
        expect(qualys.forms('kb')).to.deep.equal([]);
        expect(batches[0]).to.deep.include({
            stream: 'knowledge_base',
            artifacts: [],
            checkpoint: { version: 2, refreshedAt: '2024-05-14T08:00:00Z' }
        });
        expect(qualys.forms('hld')[0]).to.include({ vm_processed_after: '2024-05-14T08:45:00Z' });
    });
});
