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
    runSummaryOf,
    startPoll,
    testConfig
} from '../test/poll-harness.js';
import { hldPage, scanList, type ScanSpec } from '../test/qualys-xml.js';
import type { ScansCheckpoint } from './qualys-checkpoint.js';

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
    async function pollScans(now: string, scans: ScanSpec[], checkpoint?: ScansCheckpoint) {
        const h = pollHarness({ now });
        const qualys = new FakeQualys(h.clock).on('scans', ok(scanList(scans))).on('hld', ok(hldPage([])));
        const outcome = await drain(startPoll(config, checkpoint === undefined ? {} : { scans: checkpoint }, h));
        expect(outcome.error).to.equal(undefined);
        nock.cleanAll();
        return {
            outcome,
            h,
            form: qualys.forms('scans')[0],
            checkpoint: lastCheckpoint<ScansCheckpoint>(outcome.items, 'scans')
        };
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

        expect(checkpoint.since).to.equal('2024-05-14T06:30:10Z');
        expect(checkpoint.states).to.have.keys([RUNNING.ref]);
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
        expect(second.checkpoint.since).to.equal('2024-05-14T10:14:59Z');
    });

    it('does not re-emit a scan whose state did not change', async () => {
        const first = await pollScans('2024-05-14T10:00:00Z', [FINISHED, RUNNING]);
        const second = await pollScans('2024-05-14T10:30:00Z', [RUNNING], first.checkpoint);

        expect(scansOf(second.outcome)).to.deep.equal([]);
        expect(second.checkpoint.since).to.equal('2024-05-14T06:30:10Z');
    });

    it('yields the processing of a Finished scan as its own step, keeping the scan in view until then', async () => {
        const unprocessed = { ...RUNNING, state: 'Finished', processed: false };
        const first = await pollScans('2024-05-14T10:00:00Z', [unprocessed]);
        expect(first.checkpoint.since).to.equal('2024-05-14T06:30:10Z');

        const second = await pollScans('2024-05-14T10:30:00Z', [{ ...unprocessed, processed: true }], first.checkpoint);
        const [step] = scansOf(second.outcome);
        expect(step).to.include({ ref: RUNNING.ref, state: 'Finished', processed: true });
        expect(step.id).not.to.equal(scansOf(first.outcome)[0].id);
        expect(second.checkpoint.since).to.equal('2024-05-14T10:14:59Z');
    });

    it("treats Qualys' other spelling of a final state as final", async () => {
        const { checkpoint } = await pollScans('2024-05-14T10:00:00Z', [{ ...RUNNING, state: 'Cancelled' }]);

        expect(checkpoint.since).to.equal('2024-05-14T09:44:59Z');
    });

    describe('a scan that never settles', () => {
        const PAUSED: ScanSpec = { ref: 'scan/1715000000.1', state: 'Paused', launched: '2024-05-10T00:00:00Z' };

        it('holds the scan window back for at most 7 days after its launch, then is reported once and released', async () => {
            // Day 4: still within the bound, the paused scan pins the window at its launch.
            const early = await pollScans('2024-05-14T10:00:00Z', [PAUSED, RUNNING]);
            expect(early.checkpoint.since).to.equal('2024-05-09T23:59:59Z');
            expect(scansOf(early.outcome).map(scan => scan.ref)).to.deep.equal([PAUSED.ref, RUNNING.ref]);

            // Day 8: released. Its last artifact says so; the window moves up to the oldest scan still followed.
            const late = await pollScans('2024-05-18T10:00:00Z', [PAUSED, RUNNING], early.checkpoint);
            const artifacts = artifactsOf(late.outcome.items, 'qualys.scan');
            expect(artifacts).to.have.length(1);
            const data = artifacts[0].data as ScanArtifactData;
            expect(data).to.include({ ref: PAUSED.ref, state: 'Paused' });
            expect(data.unsettled).to.deep.equal({ releasedAt: '2024-05-18T10:00:00.000Z', afterDays: 8 });
            expect(artifacts[0].id).to.not.equal(scansOf(early.outcome)[0].id);
            expect(late.checkpoint.since).to.equal('2024-05-14T06:30:10Z');
            expect(late.checkpoint.states).to.deep.equal({ [RUNNING.ref]: 'Running' });
            expect(runSummaryOf(late.outcome.items).unsettledScans).to.deep.equal([
                { ref: PAUSED.ref, state: 'Paused', launched: '2024-05-10T00:00:00Z' }
            ]);
            expect(late.h.logger.messages('warn')).to.deep.equal([
                'qualys: a scan never settled; it no longer holds the scan window back'
            ]);

            // The next poll no longer asks for it, and reports nothing again.
            const after = await pollScans('2024-05-18T10:30:00Z', [RUNNING], late.checkpoint);
            expect(after.form).to.include({ launched_after_datetime: '2024-05-14T06:30:10Z' });
            expect(scansOf(after.outcome)).to.deep.equal([]);
            expect(runSummaryOf(after.outcome.items).unsettledScans).to.equal(undefined);
        });

        it('reports a released scan once, even while the listing still returns it', async () => {
            // One scan without a state, launched a second before the bound; one Queued, launched right at it.
            const stateless: ScanSpec = { ref: 'scan/1.2', launched: '2024-05-07T09:59:59Z' };
            const queued: ScanSpec = { ref: 'scan/1.3', state: 'Queued', launched: '2024-05-07T10:00:00Z' };
            const first = await pollScans('2024-05-14T10:00:00Z', [stateless, queued]);
            const released = artifactsOf(first.outcome.items, 'qualys.scan').map(a => a.data as ScanArtifactData);
            expect(released.map(scan => [scan.ref, scan.unsettled?.afterDays])).to.deep.equal([
                [stateless.ref, 7],
                [queued.ref, undefined]
            ]);
            // The Queued scan holds the window a second before its launch: the released one is still listed.
            expect(first.checkpoint).to.deep.equal({
                version: 2,
                since: '2024-05-07T09:59:59Z',
                states: { [stateless.ref]: 'released', [queued.ref]: 'Queued' }
            });

            const second = await pollScans('2024-05-14T10:30:00Z', [stateless, queued], first.checkpoint);
            expect(scansOf(second.outcome).map(scan => scan.ref)).to.deep.equal([queued.ref]);
            expect(runSummaryOf(second.outcome.items).unsettledScans?.map(scan => scan.ref)).to.deep.equal([
                queued.ref
            ]);
        });

        it('is bounded by the tuning, and a Finished scan never processed is released too', async () => {
            const h = pollHarness({ now: '2024-05-14T10:00:00Z' });
            const unprocessed: ScanSpec = { ...FINISHED, processed: false, launched: '2024-05-13T09:00:00Z' };
            new FakeQualys(h.clock).on('scans', ok(scanList([unprocessed]))).on('hld', ok(hldPage([])));
            const outcome = await drain(startPoll(config, {}, h, { maxUnsettledScanMs: 86_400_000 }));

            const [artifact] = artifactsOf(outcome.items, 'qualys.scan');
            expect((artifact.data as ScanArtifactData).unsettled).to.deep.equal({
                releasedAt: '2024-05-14T10:00:00.000Z',
                afterDays: 1
            });
            expect(lastCheckpoint<ScansCheckpoint>(outcome.items, 'scans').since).to.equal('2024-05-14T09:44:59Z');
        });
    });
});
