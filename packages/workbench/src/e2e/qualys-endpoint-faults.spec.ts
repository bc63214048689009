import { expect } from 'chai';
import { scanRefList, unexplainedQids, type E2eEnvironment } from './e2e-harness.spec.helper.js';
import { pollThroughFault, startFaultScene } from './fault-scenario.spec.helper.js';

describe('e2e: signal-client poll survives faults of the Qualys KnowledgeBase and scan list APIs', () => {
    let e2e: E2eEnvironment | undefined;

    afterEach(async () => {
        await e2e?.close();
        e2e = undefined;
    });

    it('HTTP 502 from the KnowledgeBase API mid-window: retries the lookup and completes, every finding enriched', async () => {
        e2e = await startFaultScene();
        const outcome = await pollThroughFault(e2e, {
            type: 'server-error',
            endpoint: 'kb',
            onRequest: 2,
            status: 502
        });

        expect(outcome.polls).to.have.length(1);
        expect(outcome.requests[outcome.faultedAt].status).to.equal(502);
        expect(outcome.requests[outcome.faultedAt + 1]).to.include({ status: 200, completed: true });
        expect(outcome.requests[outcome.faultedAt + 1].params.ids).to.equal(
            outcome.requests[outcome.faultedAt].params.ids
        );
        expect(unexplainedQids(outcome.artifacts)).to.deep.equal([]);
    });

    it('a connection reset half-way through a KnowledgeBase answer: no finding lost, none unenriched', async () => {
        e2e = await startFaultScene();
        const outcome = await pollThroughFault(e2e, { type: 'reset', endpoint: 'kb', onRequest: 1, afterHosts: 20 });

        // A cut-short buffered answer is a protocol error: retried inside the poll, or the poll fails cleanly
        // naming the KnowledgeBase call and the next poll asks again (pollThroughFault checks the failure is clean).
        expect(outcome.polls.length).to.be.within(1, 2);
        if (outcome.polls.length === 2) {
            expect(outcome.polls[0].stdout).to.match(/error \((protocol|transient)\): .*knowledge_base.*cut short/);
            expect(outcome.summaries[0]).to.include({ hosts: 0, detections: 0 });
        }
        expect(outcome.requests[outcome.faultedAt]).to.include({ completed: false, records: 20 });
        expect(outcome.requests[outcome.faultedAt + 1].params.ids).to.equal(
            outcome.requests[outcome.faultedAt].params.ids
        );
        expect(unexplainedQids(outcome.artifacts)).to.deep.equal([]);
    });

    it('HTTP 503 (maintenance) from the scan list API: retries and completes, every recent scan delivered', async () => {
        e2e = await startFaultScene();
        const outcome = await pollThroughFault(e2e, { type: 'server-error', endpoint: 'scans', status: 503 });

        expect(outcome.polls).to.have.length(1);
        expect(outcome.requests.map(request => [request.status, request.code])).to.deep.equal([
            [503, 1999],
            [200, undefined]
        ]);
        expect(new Set(scanRefList(outcome.artifacts))).to.deep.equal(e2e.recentScanRefs());
    });

    it('a truncated scan list: no scan or detection lost; a failed poll fails cleanly, the next completes', async () => {
        e2e = await startFaultScene();
        const outcome = await pollThroughFault(e2e, { type: 'truncate', endpoint: 'scans', afterHosts: 2 });

        // The scan list is one small buffered document; whether it is re-asked inside the poll or by the next poll,
        // nothing may be lost and a failure must be clean (pollThroughFault checks both).
        expect(outcome.polls.length).to.be.within(1, 2);
        expect(outcome.requests[outcome.faultedAt]).to.include({ status: 200, records: 2 });
        expect(new Set(scanRefList(outcome.artifacts))).to.deep.equal(e2e.recentScanRefs());
    });
});
