import { LEGACY_CHECKPOINT_KEY } from '@signal-connectors/connector-sdk';
import { expect } from 'chai';
import { inheritedStreams, type LegacyQualysCheckpoint, readCheckpoints } from './qualys-checkpoint.js';

describe('readCheckpoints', () => {
    const legacy: LegacyQualysCheckpoint = {
        version: 1,
        detectionWatermark: '2024-05-14T08:00:00Z',
        window: { after: '2024-05-14T07:45:00Z', before: '2024-05-14T09:00:00Z', nextIdMin: 104 },
        scansSince: '2024-05-13T21:59:59Z',
        scanStates: { 'scan/1715668211.41390': 'Running' },
        kbRefreshedAt: '2024-05-14T06:00:00Z'
    };

    it('splits a checkpoint from before streams across the three streams', () => {
        expect(readCheckpoints({ [LEGACY_CHECKPOINT_KEY]: legacy })).to.deep.equal({
            host_detections: {
                version: 2,
                watermark: '2024-05-14T08:00:00Z',
                window: { after: '2024-05-14T07:45:00Z', before: '2024-05-14T09:00:00Z', nextIdMin: 104 }
            },
            scans: { version: 2, since: '2024-05-13T21:59:59Z', states: { 'scan/1715668211.41390': 'Running' } },
            knowledge_base: { version: 2, refreshedAt: '2024-05-14T06:00:00Z' },
            // Newer than the old checkpoint: it starts fresh.
            host_reconciliation: { version: 2 }
        });
    });

    it("prefers a stream's own checkpoint to its part of the old one", () => {
        const own = { version: 2, watermark: '2024-05-15T08:00:00Z' };
        const read = readCheckpoints({ [LEGACY_CHECKPOINT_KEY]: legacy, host_detections: own });
        expect(read.host_detections).to.deep.equal(own);
        expect(read.knowledge_base).to.deep.equal({ version: 2, refreshedAt: '2024-05-14T06:00:00Z' });
        // The streams that still live on the old checkpoint, and must commit it as their own.
        expect(inheritedStreams({ [LEGACY_CHECKPOINT_KEY]: legacy, host_detections: own })).to.deep.equal([
            'knowledge_base',
            'scans'
        ]);
        expect(inheritedStreams({ host_detections: own })).to.deep.equal([]);
    });

    it('reads none, or checkpoints of an unknown shape, as fresh streams', () => {
        const fresh = {
            host_detections: { version: 2 },
            scans: { version: 2 },
            knowledge_base: { version: 2 },
            host_reconciliation: { version: 2 }
        };
        expect(readCheckpoints({})).to.deep.equal(fresh);
        expect(
            readCheckpoints({
                [LEGACY_CHECKPOINT_KEY]: { version: 7, detectionWatermark: 'x' },
                host_detections: 'garbage',
                scans: null,
                knowledge_base: [1]
            })
        ).to.deep.equal(fresh);
    });
});
