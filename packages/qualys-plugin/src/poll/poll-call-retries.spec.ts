import { expect } from 'chai';
import nock from 'nock';
import { QualysConnector } from '../qualys-connector.js';
import { answer, FakeQualys, ok } from '../test/fake-qualys.js';
import {
    drain,
    findingKeys,
    kbArtifacts,
    limiterRegistry,
    pollError,
    pollHarness,
    type PollHarness,
    runSummaryOf,
    testConfig
} from '../test/poll-harness.js';
import { hldPage, hostsRange, kbList, scanList } from '../test/qualys-xml.js';

const QID = 38794;

describe('pollQualys: KnowledgeBase and scan list calls read again after a failure', () => {
    let h: PollHarness;
    let qualys: FakeQualys;

    const poll = (settings: Record<string, unknown>) =>
        drain(new QualysConnector(limiterRegistry(h.clock)).poll(testConfig(settings), {}, h.ctx));

    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    beforeEach(() => {
        h = pollHarness();
        qualys = new FakeQualys(h.clock);
    });
    afterEach(() => nock.cleanAll());

    it('re-reads a KnowledgeBase batch whose XML was cut short on HTTP 200, and completes', async () => {
        const full = kbList([{ qid: QID }]);
        qualys.on('hld', ok(hldPage(hostsRange(100, 2, [QID])))).on('kb', ok(full.slice(0, full.length / 2)), ok(full));
        const outcome = await poll({ kbEnrichment: true });

        expect(outcome.error).to.equal(undefined);
        expect(qualys.forms('kb')).to.have.length(2);
        expect(kbArtifacts(outcome.batches)).to.have.length(1);
        expect(findingKeys(outcome.batches)).to.have.length(2);
        expect(runSummaryOf(outcome.batches)).to.include({ outcome: 'complete', retries: 1 });
    });

    it('re-reads a truncated scan list, and completes', async () => {
        const full = scanList([]);
        qualys.on('scans', ok(full.slice(0, 60)), ok(full)).on('hld', ok(hldPage(hostsRange(100, 1))));
        const outcome = await poll({ scans: true });

        expect(outcome.error).to.equal(undefined);
        expect(qualys.forms('scans')).to.have.length(2);
        expect(runSummaryOf(outcome.batches).retries).to.equal(1);
    });

    it('gives up after three attempts and fails the scans stream with protocol; detections are delivered anyway', async () => {
        const cut = scanList([]).slice(0, 60);
        qualys.on('scans', ok(cut), ok(cut), ok(cut)).on('hld', ok(hldPage(hostsRange(100, 1))));
        const outcome = await poll({ scans: true });

        expect(pollError(outcome, 'scans').kind).to.equal('protocol');
        expect(outcome.statuses.host_detections).to.deep.equal({ stream: 'host_detections', status: 'complete' });
        expect(qualys.forms('scans')).to.have.length(3);
        expect(findingKeys(outcome.batches)).to.have.length(1);
        expect(outcome.batches.map(batch => batch.stream)).to.not.include('scans');
        expect(runSummaryOf(outcome.batches)).to.deep.include({
            outcome: 'partial',
            streams: {
                knowledge_base: { outcome: 'skipped' },
                host_detections: { outcome: 'complete' },
                scans: { outcome: 'failed', error: { kind: 'protocol', message: pollError(outcome).message } },
                host_reconciliation: { outcome: 'skipped' }
            }
        });
    });

    it('does not re-read a call that failed for good (HTTP 401)', async () => {
        qualys.on('scans', answer(401, '<html>Unauthorized</html>', { 'Content-Type': 'text/html' }));
        const outcome = await poll({ scans: true });

        expect(pollError(outcome, 'scans').kind).to.equal('auth');
        expect(qualys.forms('scans')).to.have.length(1);
    });
});
