import { expect } from 'chai';
import { mapScan, normaliseScanState } from './scan-artifact.js';
import { fullScan, SOURCE, undefinedPaths } from '../test/ocsf-test-data.js';

describe('mapScan', () => {
    it('delivers the scan, timed at its launch', () => {
        const artifact = mapScan(fullScan(), SOURCE);
        expect(artifact.type).to.equal('qualys.scan');
        expect(artifact.id).to.match(/^qsc_[0-9a-f]{32}$/);
        expect(artifact.time).to.equal('2024-05-13T22:00:00.000Z');
        expect(artifact.source).to.deep.equal(SOURCE);
        expect(artifact.data).to.deep.equal(fullScan());
    });

    it('yields one artifact per observed state, and the same id on redelivery', () => {
        const running = mapScan(fullScan({ state: 'Running', processed: false, duration: 'Running' }), SOURCE).id;
        const finished = mapScan(fullScan({ state: 'Finished', processed: false }), SOURCE).id;
        const processed = mapScan(fullScan({ state: 'Finished', processed: true }), SOURCE).id;
        expect(new Set([running, finished, processed]).size).to.equal(3);
        expect(mapScan(fullScan({ state: 'Running', processed: false, duration: '00:10:00' }), SOURCE).id).to.equal(
            running
        );
        expect(mapScan(fullScan(), { ...SOURCE, instance: 'qualys-eu' }).id).to.not.equal(processed);
        expect(mapScan(fullScan({ ref: 'scan/1715668211.41390' }), SOURCE).id).to.not.equal(processed);
    });

    it('normalises the state and keeps the one Qualys sent when it differed', () => {
        const artifact = mapScan(fullScan({ state: ' FINISHED ' }), SOURCE);
        expect(artifact.data.state).to.equal('Finished');
        expect(artifact.data.originalState).to.equal(' FINISHED ');
        expect(artifact.id).to.equal(mapScan(fullScan(), SOURCE).id);
        expect(mapScan(fullScan(), SOURCE).data).to.not.have.property('originalState');
        expect(normaliseScanState('Cancelled')).to.equal('Canceled');
        expect(normaliseScanState('Brand_New ')).to.equal('Brand_New');
        expect(normaliseScanState(undefined)).to.equal(undefined);
    });

    it('marks the release of a scan that never settled as a step of its own', () => {
        const paused = fullScan({ state: 'Paused', processed: false });
        const release = { releasedAt: '2024-05-21T10:00:00.000Z', afterDays: 7 };
        const released = mapScan(paused, SOURCE, release);
        expect(released.data.unsettled).to.deep.equal(release);
        expect(released.id).to.not.equal(mapScan(paused, SOURCE).id);
        expect(mapScan(paused, SOURCE, { ...release, afterDays: 8 }).id).to.equal(released.id);
        expect(mapScan(paused, SOURCE).data).to.not.have.property('unsettled');
    });

    it('leaves no undefined values', () => {
        const bare = mapScan({ ref: 'scan/1.1', assetGroups: [], unmapped: {}, state: undefined }, SOURCE);
        expect(undefinedPaths(bare)).to.deep.equal([]);
        expect(bare.time).to.equal('1970-01-01T00:00:00.000Z');
    });
});
