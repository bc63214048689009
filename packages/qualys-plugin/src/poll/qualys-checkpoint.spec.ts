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
            // Its one cursor is the cursor of a single range over every host id.
            host_detections: {
                version: 3,
                watermark: '2024-05-14T08:00:00Z',
                window: { after: '2024-05-14T07:45:00Z', before: '2024-05-14T09:00:00Z', ranges: [{ nextIdMin: 104 }] }
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
        expect(read.host_detections).to.deep.equal({ version: 3, watermark: '2024-05-15T08:00:00Z' });
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
            host_detections: { version: 3 },
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
        // Version 3 is the host detections' own: another stream's checkpoint at version 3 is not one it reads.
        expect(readCheckpoints({ scans: { version: 3, since: 'x' } }).scans).to.deep.equal({ version: 2 });
    });

    it('reads a version 2 host detections checkpoint as one range resuming at its cursor', () => {
        const v2 = {
            version: 2,
            watermark: '2024-05-14T08:00:00Z',
            window: { before: '2024-05-14T09:00:00Z', nextIdMin: 104 }
        };
        expect(readCheckpoints({ host_detections: v2 }).host_detections).to.deep.equal({
            version: 3,
            watermark: '2024-05-14T08:00:00Z',
            window: { before: '2024-05-14T09:00:00Z', ranges: [{ nextIdMin: 104 }] }
        });
        const atStart = { version: 2, window: { before: '2024-05-14T09:00:00Z' } };
        expect(readCheckpoints({ host_detections: atStart }).host_detections).to.deep.equal({
            version: 3,
            window: { before: '2024-05-14T09:00:00Z', ranges: [{}] }
        });
    });

    it('reads version 3 as it is, and re-reads a window whose ranges it cannot read from the watermark', () => {
        const v3 = {
            version: 3,
            watermark: '2024-05-14T08:00:00Z',
            window: {
                before: '2024-05-14T09:00:00Z',
                ranges: [
                    { idMax: 199, nextIdMin: 150 },
                    { idMin: 200, done: true }
                ]
            },
            hostIds: { count: 300, sample: [100, 200] }
        };
        expect(readCheckpoints({ host_detections: v3 }).host_detections).to.deep.equal(v3);
        const broken = { ...v3, window: { before: '2024-05-14T09:00:00Z', ranges: [{ nextIdMin: 'x' }] } };
        expect(readCheckpoints({ host_detections: broken }).host_detections).to.deep.equal({
            version: 3,
            watermark: '2024-05-14T08:00:00Z',
            hostIds: { count: 300, sample: [100, 200] }
        });
    });
});
