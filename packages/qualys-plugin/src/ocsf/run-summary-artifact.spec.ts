import { expect } from 'chai';
import { mapRunSummary, type RunSummary } from './run-summary-artifact.js';
import { SOURCE, undefinedPaths } from '../test/ocsf-test-data.js';

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
    return {
        runId: 'run-2024-05-14T08:00:00Z-1',
        startedAt: '2024-05-14T08:00:00.000Z',
        finishedAt: '2024-05-14T08:12:09.000Z',
        durationMs: 729_000,
        outcome: 'complete',
        streams: {
            knowledge_base: { outcome: 'complete' },
            host_detections: { outcome: 'complete' },
            scans: { outcome: 'skipped' }
        },
        window: { after: '2024-05-13T07:55:00Z', before: '2024-05-14T08:00:00Z' },
        resumedFrom: undefined,
        pages: 2,
        hosts: 3,
        detections: 4,
        knowledgeBase: { fetched: 3, cached: 1, artifacts: 3 },
        scans: 2,
        apiCalls: { hostDetection: 2, knowledgeBase: 1, scanList: 1 },
        throttled: 0,
        retries: 1,
        watermark: '2024-05-13T08:00:00Z',
        nextWatermark: '2024-05-14T07:55:00Z',
        ...overrides
    };
}

describe('mapRunSummary', () => {
    it('delivers the summary, timed when the run finished, without undefined values', () => {
        const artifact = mapRunSummary(summary(), SOURCE);
        expect(artifact.type).to.equal('qualys.run_summary');
        expect(artifact.id).to.match(/^qrs_[0-9a-f]{32}$/);
        expect(artifact.time).to.equal('2024-05-14T08:12:09.000Z');
        expect(artifact.data).to.not.have.property('resumedFrom');
        expect(undefinedPaths(artifact)).to.deep.equal([]);
        const { resumedFrom: _resumedFrom, ...rest } = summary();
        expect(artifact.data).to.deep.equal(rest);
    });

    it('has one id per instance and run', () => {
        const id = mapRunSummary(summary(), SOURCE).id;
        expect(mapRunSummary(summary({ outcome: 'partial', detections: 9 }), SOURCE).id).to.equal(id);
        expect(mapRunSummary(summary({ runId: 'run-2' }), SOURCE).id).to.not.equal(id);
        expect(mapRunSummary(summary(), { ...SOURCE, instance: 'qualys-eu' }).id).to.not.equal(id);
    });

    it('carries the error of a failed run and the outcome of each stream', () => {
        const error = { kind: 'transient', message: 'Qualys answered HTTP 500' };
        const failed = mapRunSummary(
            summary({
                outcome: 'partial',
                streams: { host_detections: { outcome: 'complete' }, scans: { outcome: 'failed', error } },
                error: { kind: 'transient', message: "stream 'scans' failed: Qualys answered HTTP 500" },
                unsettledScans: [{ ref: 'scan/1.1', state: 'Paused', launched: '2024-05-01T00:00:00Z' }]
            }),
            SOURCE
        );
        expect(failed.data.error).to.deep.equal({
            kind: 'transient',
            message: "stream 'scans' failed: Qualys answered HTTP 500"
        });
        expect(failed.data.streams.scans).to.deep.equal({ outcome: 'failed', error });
        expect(failed.data.unsettledScans).to.deep.equal([
            { ref: 'scan/1.1', state: 'Paused', launched: '2024-05-01T00:00:00Z' }
        ]);
    });
});
