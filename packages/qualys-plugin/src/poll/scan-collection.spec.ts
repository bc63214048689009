import { expect } from 'chai';
import nock from 'nock';
import type { ScanArtifactData } from '../ocsf/index.js';
import { FakeQualys, ok } from '../test/fake-qualys.js';
import {
    artifactsOf,
    drain,
    lastCheckpoint,
    pollHarness,
    type PollOutcome,
    startPoll,
    testConfig
} from '../test/poll-harness.js';
import { hldPage, scanList, type ScanSpec } from '../test/qualys-xml.js';
import type { QualysCheckpoint } from './qualys-checkpoint.js';

const FINISHED: ScanSpec = {
    ref: 'scan/1715637600.41277',
    state: 'Finished',
    launched: '2024-05-13T22:00:00Z',
    processed: true
};
const RUNNING: ScanSpec = { ref: 'scan/1715668211.41390', state: 'Running', launched: '2024-05-14T06:30:11Z' };

/** The scan artifacts of a poll, as `ref state` and id. */
function scansOf(outcome: PollOutcome): { ref: string; state?: string; processed?: boolean; id: string }[] {
    return artifactsOf(outcome.batches, 'qualys.scan').map(artifact => {
        const data = artifact.data as ScanArtifactData;
        return { ref: data.ref, state: data.state, processed: data.processed, id: artifact.id };
    });
}

describe('pollQualys: scans', () => {
    const config = testConfig({ scans: true, windowOverlap: '15m' });

    /** One poll at `now`, listing `scans`, from `checkpoint`; returns the outcome and the scan list request. */
    async function pollScans(now: string, scans: ScanSpec[], checkpoint?: QualysCheckpoint) {
        const h = pollHarness({ now });
        const qualys = new FakeQualys(h.clock).on('scans', ok(scanList(scans))).on('hld', ok(hldPage([])));
        const outcome = await drain(startPoll(config, checkpoint, h));
        expect(outcome.error).to.equal(undefined);
        nock.cleanAll();
        return { outcome, form: qualys.forms('scans')[0], checkpoint: lastCheckpoint(outcome.batches) };
    }

    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    afterEach(() => nock.cleanAll());

    it('lists scans of every state; with no watermark and no lookback it asks for the last 30 days explicitly', async () => {
        const { outcome, form } = await pollScans('2024-05-14T10:00:00Z', [FINISHED, RUNNING]);

        expect(form).to.deep.equal({
            show_ags: '1',
            show_op: '1',
            action: 'list',
            launched_after_datetime: '2024-04-14T10:00:00Z'
        });
        expect(scansOf(outcome).map(scan => `${scan.ref} ${scan.state}`)).to.deep.equal([
            `${FINISHED.ref} Finished`,
            `${RUNNING.ref} Running`
        ]);
    });

    it('starts a first listing initialLookback back when configured', async () => {
        const h = pollHarness({ now: '2024-05-14T10:00:00Z' });
        const qualys = new FakeQualys(h.clock).on('scans', ok(scanList([]))).on('hld', ok(hldPage([])));
        await drain(startPoll(testConfig({ scans: true, initialLookback: '7d' }), undefined, h));

        expect(qualys.forms('scans')[0]).to.include({ launched_after_datetime: '2024-05-07T10:00:00Z' });
    });

    it('keeps the scan watermark at the launch of the oldest unfinished scan (less 1 s of slack)', async () => {
        const { checkpoint } = await pollScans('2024-05-14T10:00:00Z', [FINISHED, RUNNING]);

        expect(checkpoint.scansSince).to.equal('2024-05-14T06:30:10Z');
        expect(checkpoint.scanStates).to.have.keys([RUNNING.ref]);
    });

    it('yields a second artifact, with another id, when a Running scan is Finished on the next poll', async () => {
        const first = await pollScans('2024-05-14T10:00:00Z', [FINISHED, RUNNING]);
        const second = await pollScans(
            '2024-05-14T10:30:00Z',
            [{ ...RUNNING, state: 'Finished', processed: true }],
            first.checkpoint
        );

        expect(second.form).to.include({ launched_after_datetime: '2024-05-14T06:30:10Z' });
        const [running] = scansOf(first.outcome).filter(scan => scan.ref === RUNNING.ref);
        const [finished] = scansOf(second.outcome);
        expect(finished).to.include({ ref: RUNNING.ref, state: 'Finished' });
        expect(finished.id).not.to.equal(running.id);
        // Nothing is in progress any more: the watermark moves up to the poll start less the overlap.
        expect(second.checkpoint.scansSince).to.equal('2024-05-14T10:14:59Z');
    });

    it('does not re-emit a scan whose state did not change', async () => {
        const first = await pollScans('2024-05-14T10:00:00Z', [FINISHED, RUNNING]);
        const second = await pollScans('2024-05-14T10:30:00Z', [RUNNING], first.checkpoint);

        expect(scansOf(second.outcome)).to.deep.equal([]);
        expect(second.checkpoint.scansSince).to.equal('2024-05-14T06:30:10Z');
    });

    it('yields the processing of a Finished scan as its own step, keeping the scan in view until then', async () => {
        const unprocessed = { ...RUNNING, state: 'Finished', processed: false };
        const first = await pollScans('2024-05-14T10:00:00Z', [unprocessed]);
        expect(first.checkpoint.scansSince).to.equal('2024-05-14T06:30:10Z');

        const second = await pollScans('2024-05-14T10:30:00Z', [{ ...unprocessed, processed: true }], first.checkpoint);
        const [step] = scansOf(second.outcome);
        expect(step).to.include({ ref: RUNNING.ref, state: 'Finished', processed: true });
        expect(step.id).not.to.equal(scansOf(first.outcome)[0].id);
        expect(second.checkpoint.scansSince).to.equal('2024-05-14T10:14:59Z');
    });

    it("treats Qualys' other spelling of a final state as final", async () => {
        const { checkpoint } = await pollScans('2024-05-14T10:00:00Z', [{ ...RUNNING, state: 'Cancelled' }]);

        expect(checkpoint.scansSince).to.equal('2024-05-14T09:44:59Z');
    });
});
