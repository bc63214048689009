import { expect } from 'chai';
import nock from 'nock';
import { answer, FakeQualys, ok } from '../test/fake-qualys.js';
import { isStreamStatus } from '@signal-connectors/connector-sdk';
import {
    checkpointsAfter,
    drain,
    findingKeys,
    lastCheckpoint,
    pollError,
    pollHarness,
    startPoll,
    testConfig
} from '../test/poll-harness.js';
import { hldPage, hostsRange, simpleReturn } from '../test/qualys-xml.js';
import type { HostDetectionsCheckpoint } from './qualys-checkpoint.js';

describe('pollQualys: detection windows and resuming', () => {
    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    afterEach(() => nock.cleanAll());

    it('opens a first window with no lower bound, ending at the poll start to the second', async () => {
        const h = pollHarness({ now: '2024-05-14T10:00:00.750Z' });
        const qualys = new FakeQualys(h.clock).on('hld', ok(hldPage(hostsRange(100, 1))));
        const { batches, error } = await drain(startPoll(testConfig(), undefined, h));

        expect(error).to.equal(undefined);
        const [form] = qualys.forms('hld');
        expect(form.vm_processed_before).to.equal('2024-05-14T10:00:00Z');
        expect(form).not.to.have.property('vm_processed_after');
        const checkpoint = lastCheckpoint(batches);
        expect(checkpoint.watermark).to.equal('2024-05-14T10:00:00Z');
        expect(checkpoint.window).to.equal(undefined);
    });

    it('starts a first window initialLookback before the poll start when configured', async () => {
        const h = pollHarness({ now: '2024-05-14T10:00:00Z' });
        const qualys = new FakeQualys(h.clock).on('hld', ok(hldPage(hostsRange(100, 1))));
        await drain(startPoll(testConfig({ initialLookback: '30d' }), undefined, h));

        expect(qualys.forms('hld')[0]).to.include({
            vm_processed_after: '2024-04-14T10:00:00Z',
            vm_processed_before: '2024-05-14T10:00:00Z'
        });
    });

    it('starts the next window at the watermark minus the overlap', async () => {
        const h = pollHarness({ now: '2024-05-14T10:00:00Z' });
        const qualys = new FakeQualys(h.clock).on('hld', ok(hldPage(hostsRange(100, 1))), ok(hldPage([])));
        const config = testConfig({ windowOverlap: '15m' });
        const first = await drain(startPoll(config, undefined, h));
        await h.clock.advance(30 * 60_000);
        const second = await drain(startPoll(config, checkpointsAfter(first.items), h));

        expect(qualys.forms('hld')[1]).to.include({
            vm_processed_after: '2024-05-14T09:45:00Z',
            vm_processed_before: '2024-05-14T10:30:00Z'
        });
        expect(lastCheckpoint(second.batches).watermark).to.equal('2024-05-14T10:30:00Z');
    });

    it('never moves the watermark when the window fails half-way', async () => {
        const h = pollHarness({ now: '2024-05-14T10:00:00Z' });
        new FakeQualys(h.clock).on(
            'hld',
            ok(hldPage(hostsRange(100, 2), { nextIdMin: 102 })),
            answer(401, simpleReturn(2000, 'Bad Login/Password'))
        );
        const previous: HostDetectionsCheckpoint = { version: 3, watermark: '2024-05-14T09:00:00Z' };
        const outcome = await drain(startPoll(testConfig({ truncationLimit: 2 }), { host_detections: previous }, h));

        expect(pollError(outcome, 'host_detections').kind).to.equal('auth');
        for (const batch of outcome.batches) {
            expect((batch.checkpoint as HostDetectionsCheckpoint).watermark).to.equal('2024-05-14T09:00:00Z');
        }
        expect(lastCheckpoint(outcome.batches).window).to.deep.equal({
            after: '2024-05-14T08:45:00Z',
            before: '2024-05-14T10:00:00Z',
            ranges: [{ nextIdMin: 102 }]
        });
    });

    it('checkpoints each chunk of a page at the next host id to deliver', async () => {
        const h = pollHarness();
        new FakeQualys(h.clock).on('hld', ok(hldPage(hostsRange(100, 5))));
        const { batches } = await drain(startPoll(testConfig(), undefined, h, { chunkHosts: 2 }));

        const hostBatches = batches.filter(batch => findingKeys([batch]).length > 0);
        expect(
            hostBatches.map(batch => (batch.checkpoint as HostDetectionsCheckpoint).window?.ranges[0].nextIdMin)
        ).to.deep.equal([102, 104, undefined]);
        expect(hostBatches.map(batch => findingKeys([batch]).length)).to.deep.equal([2, 2, 1]);
    });

    it('resumes a mid-window checkpoint with its id_min and window, with no gap and no re-delivery', async () => {
        const config = testConfig({ truncationLimit: 5, windowOverlap: '15m' });
        const previous = { host_detections: { version: 2, watermark: '2024-05-14T09:00:00Z' } };
        const first = pollHarness({ now: '2024-05-14T10:00:00Z' });
        new FakeQualys(first.clock).on(
            'hld',
            ok(hldPage(hostsRange(100, 5), { nextIdMin: 105 })),
            ok(hldPage(hostsRange(105, 3)))
        );
        // The consumer takes two chunks (hosts 100-103), then the process dies.
        const delivered: string[] = [];
        let checkpoint: HostDetectionsCheckpoint | undefined;
        for await (const item of startPoll(config, previous, first, { chunkHosts: 2 })) {
            if (isStreamStatus(item)) continue;
            delivered.push(...findingKeys([item]));
            checkpoint = item.checkpoint as HostDetectionsCheckpoint;
            if (delivered.length === 4) break;
        }
        expect(checkpoint?.window?.ranges[0].nextIdMin).to.equal(104);
        nock.cleanAll();

        // A later poll, an hour on: it must finish the old window, not open a new one.
        const second = pollHarness({ now: '2024-05-14T11:00:00Z' });
        const qualys = new FakeQualys(second.clock).on(
            'hld',
            ok(hldPage(hostsRange(104, 1), { nextIdMin: 105 })),
            ok(hldPage(hostsRange(105, 3)))
        );
        const stored = JSON.parse(JSON.stringify({ host_detections: checkpoint })) as Record<string, unknown>;
        const resumed = await drain(startPoll(config, stored, second, { chunkHosts: 2 }));

        expect(resumed.error).to.equal(undefined);
        expect(qualys.forms('hld')[0]).to.include({
            id_min: '104',
            vm_processed_after: '2024-05-14T08:45:00Z',
            vm_processed_before: '2024-05-14T10:00:00Z'
        });
        const all = [...delivered, ...findingKeys(resumed.batches)];
        expect(all).to.deep.equal(hostsRange(100, 8).map(host => `${host.id}:38794`));
        expect(lastCheckpoint(resumed.batches)).to.include({ watermark: '2024-05-14T10:00:00Z' });
        expect(lastCheckpoint(resumed.batches).window).to.equal(undefined);
    });

    it('reads a checkpoint of an unknown shape as none', async () => {
        const h = pollHarness({ now: '2024-05-14T10:00:00Z' });
        const qualys = new FakeQualys(h.clock).on('hld', ok(hldPage([])));
        await drain(startPoll(testConfig(), { host_detections: { version: 99, watermark: 'x' } }, h));

        expect(qualys.forms('hld')[0]).not.to.have.property('vm_processed_after');
    });
});
