import { LEGACY_CHECKPOINT_KEY } from '@signal-connectors/connector-sdk';
import { expect } from 'chai';
import type { LegacyQualysCheckpoint } from './qualys-checkpoint.js';
import nock from 'nock';
import { QualysConnector } from '../qualys-connector.js';
import { answer, FakeQualys, ok } from '../test/fake-qualys.js';
import { drain, limiterRegistry, pollHarness, runSummaryOf, testConfig } from '../test/poll-harness.js';
import { hldPage, hostsRange, kbList, scanList, simpleReturn } from '../test/qualys-xml.js';

/** The limit headers of a response well within budget, as Qualys sends them on every answer. */
const WITHIN_LIMITS = {
    'X-RateLimit-Limit': '300',
    'X-RateLimit-Window-Sec': '3600',
    'X-RateLimit-Remaining': '290',
    'X-RateLimit-ToWait-Sec': '0',
    'X-Concurrency-Limit-Limit': '2',
    'X-Concurrency-Limit-Running': '1'
};

describe('pollQualys: run summary', () => {
    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    afterEach(() => nock.cleanAll());

    it('reports window, pages, hosts, detections, calls per API, throttles, retries, duration and watermark', async () => {
        const h = pollHarness({ now: '2024-05-14T10:00:00Z' });
        const start = h.clock.now();
        const qualys = new FakeQualys(h.clock)
            .on(
                'scans',
                ok(scanList([{ ref: 'scan/1.1', state: 'Finished', launched: '2024-05-13T22:00:00Z' }]), WITHIN_LIMITS)
            )
            .on(
                'hld',
                ok(hldPage(hostsRange(100, 2, [38794, 90043]), { nextIdMin: 102 }), WITHIN_LIMITS),
                // A short block with calls still left in the window (for the floor, see poll-throttling.spec.ts).
                answer(409, simpleReturn(1965, 'This API cannot be run again for another 1 minute.'), {
                    ...WITHIN_LIMITS,
                    'X-RateLimit-ToWait-Sec': '60'
                }),
                answer(503, simpleReturn(1999, 'We are performing scheduled maintenance on our System')),
                ok(hldPage(hostsRange(102, 1, [38794])), WITHIN_LIMITS)
            )
            .on('kb', ok(kbList([{ qid: 38794 }, { qid: 90043 }]), WITHIN_LIMITS));
        const config = testConfig({ scans: true, kbEnrichment: true, truncationLimit: 2 });
        const { batches, error } = await drain(new QualysConnector(limiterRegistry(h.clock)).poll(config, {}, h.ctx));

        expect(error).to.equal(undefined);
        expect(qualys.pending()).to.deep.equal([]);
        const lastBatch = batches.at(-1);
        expect(lastBatch?.artifacts.map(artifact => artifact.type)).to.deep.equal(['qualys.run_summary']);
        const summary = runSummaryOf(batches);
        const finished = h.clock.now();
        expect(summary).to.deep.equal({
            runId: 'run-1',
            startedAt: '2024-05-14T10:00:00.000Z',
            finishedAt: new Date(finished).toISOString(),
            durationMs: finished - start,
            outcome: 'complete',
            streams: {
                knowledge_base: { outcome: 'complete' },
                host_detections: { outcome: 'complete' },
                scans: { outcome: 'complete' },
                host_reconciliation: { outcome: 'skipped' }
            },
            window: { before: '2024-05-14T10:00:00Z' },
            pages: 2,
            hosts: 3,
            detections: 5,
            knowledgeBase: { fetched: 2, cached: 0, artifacts: 2 },
            scans: 1,
            apiCalls: { scan_list: 1, host_detection: 4, knowledge_base: 1 },
            throttled: 1,
            retries: 1,
            nextWatermark: '2024-05-14T10:00:00Z'
        });
        // The throttle's minute and the retry's backoff went by on the fake clock.
        expect(summary.durationMs).to.be.at.least(60_000);
        expect(lastBatch?.artifacts[0].time).to.equal(summary.finishedAt);

        expect(h.metrics.total('api_calls_total', { endpoint: 'host_detection' })).to.equal(4);
        expect(h.metrics.total('rate_limit_waits_total')).to.equal(1);
        expect(h.metrics.total('api_retries_total')).to.equal(1);
        expect(h.metrics.total('detections_total')).to.equal(5);
        expect(h.metrics.total('hosts_total')).to.equal(3);
    });

    it('reports the watermark it started from and the window it resumed, from a checkpoint from before streams', async () => {
        const h = pollHarness({ now: '2024-05-14T10:00:00Z' });
        new FakeQualys(h.clock).on('hld', ok(hldPage(hostsRange(104, 1))));
        const checkpoint: LegacyQualysCheckpoint = {
            version: 1,
            detectionWatermark: '2024-05-14T08:00:00Z',
            window: { after: '2024-05-14T07:45:00Z', before: '2024-05-14T09:00:00Z', nextIdMin: 104 }
        };
        const { batches } = await drain(
            new QualysConnector(limiterRegistry(h.clock)).poll(
                testConfig(),
                { [LEGACY_CHECKPOINT_KEY]: checkpoint },
                h.ctx
            )
        );

        expect(runSummaryOf(batches)).to.include({
            watermark: '2024-05-14T08:00:00Z',
            nextWatermark: '2024-05-14T09:00:00Z',
            hosts: 1
        });
        expect(runSummaryOf(batches).window).to.deep.equal({
            after: '2024-05-14T07:45:00Z',
            before: '2024-05-14T09:00:00Z'
        });
        expect(runSummaryOf(batches).resumedFrom).to.deep.equal({ nextIdMin: 104, ranges: [{ nextIdMin: 104 }] });
    });
});
