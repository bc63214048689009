import { expect } from 'chai';
import nock from 'nock';
import { FakeQualys, ok } from '../test/fake-qualys.js';
import {
    drain,
    findingKeys,
    lastCheckpoint,
    pollError,
    pollHarness,
    type PollHarness,
    startPoll,
    testConfig
} from '../test/poll-harness.js';
import { hldPage, hostsRange } from '../test/qualys-xml.js';

describe('pollQualys: host detection pagination', () => {
    let h: PollHarness;
    let qualys: FakeQualys;

    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    beforeEach(() => {
        h = pollHarness();
        qualys = new FakeQualys(h.clock);
    });
    afterEach(() => nock.cleanAll());

    /** The form of the one host detection call a first full sync of one page makes with these settings. */
    async function firstSyncForm(settings: Record<string, unknown>): Promise<Record<string, string>> {
        qualys.on('hld', ok(hldPage(hostsRange(100, 1))));
        await drain(startPoll(testConfig(settings), undefined, h));
        return qualys.forms('hld')[0];
    }

    it('follows the id_min of each WARNING URL and re-sends its own parameters, replacing only id_min', async () => {
        qualys.on(
            'hld',
            ok(hldPage(hostsRange(100, 2), { nextIdMin: 102 })),
            // The URL of a real WARNING may carry parameters the caller never sent: they must not be copied.
            ok(
                hldPage(hostsRange(102, 2), {
                    warningUrl:
                        'https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/?action=list&details=None&truncation_limit=2&id_min=104'
                })
            ),
            ok(hldPage(hostsRange(104, 1)))
        );
        const config = testConfig({ truncationLimit: 2, initialLookback: '1d' });
        const { batches, error } = await drain(startPoll(config, undefined, h));

        expect(error).to.equal(undefined);
        expect(findingKeys(batches)).to.deep.equal(['100', '101', '102', '103', '104'].map(id => `${id}:38794`));
        const forms = qualys.forms('hld');
        const base = {
            action: 'list',
            truncation_limit: '2',
            status: 'New,Active,Re-Opened,Fixed',
            show_results: '1',
            show_igs: '0',
            show_reopened_info: '1',
            show_qds: '1',
            show_qds_factors: '1',
            show_tags: '1',
            show_asset_id: '1',
            host_metadata: 'all',
            show_cloud_tags: '1',
            vm_processed_before: '2024-05-14T10:00:00Z',
            vm_processed_after: '2024-05-13T10:00:00Z'
        };
        expect(forms).to.deep.equal([base, { ...base, id_min: '102' }, { ...base, id_min: '104' }]);
        expect(lastCheckpoint(batches).window).to.equal(undefined);
    });

    it('sends show_igs and show_results as configured and no vm_processed_after on a first full sync', async () => {
        const form = await firstSyncForm({ includeInformationGathered: true, includeResults: false });
        expect(form).to.include({ show_igs: '1', show_results: '0' });
        expect(form).not.to.have.property('vm_processed_after');
        expect(form).not.to.have.property('id_min');
    });

    it('asks for no cloud metadata when cloudMetadata is off', async () => {
        const form = await firstSyncForm({ cloudMetadata: false });
        expect(form).not.to.have.property('host_metadata');
        expect(form).not.to.have.property('show_cloud_tags');
    });

    it('asks for no Qualys Detection Score when qds is off', async () => {
        const form = await firstSyncForm({ qds: false });
        expect(form).not.to.have.property('show_qds');
        expect(form).not.to.have.property('show_qds_factors');
        expect(form).to.include({ show_tags: '1', show_reopened_info: '1' });
    });

    it('stops with a protocol error when a WARNING repeats the id_min it was asked for', async () => {
        qualys.on(
            'hld',
            ok(hldPage(hostsRange(100, 2), { nextIdMin: 102 })),
            ok(hldPage(hostsRange(102, 2), { nextIdMin: 102 })),
            // Never asked for: the loop must stop before.
            ok(hldPage(hostsRange(102, 2), { nextIdMin: 102 }))
        );
        const outcome = await drain(startPoll(testConfig({ truncationLimit: 2 }), undefined, h));

        expect(pollError(outcome).kind).to.equal('protocol');
        expect(pollError(outcome).message).to.match(/did not advance/);
        expect(qualys.forms('hld')).to.have.length(2);
        // The hosts of the first page stay delivered, and the checkpoint resumes after them.
        expect(lastCheckpoint(outcome.batches).window?.ranges[0].nextIdMin).to.equal(102);
    });

    it('stops with a protocol error when a WARNING points back before the hosts it just returned', async () => {
        qualys.on('hld', ok(hldPage(hostsRange(100, 2), { nextIdMin: 101 })));
        const outcome = await drain(startPoll(testConfig({ truncationLimit: 2 }), undefined, h));

        expect(pollError(outcome).kind).to.equal('protocol');
        expect(qualys.forms('hld')).to.have.length(1);
    });

    it('fails with a protocol error when a WARNING says more hosts remain but carries no URL', async () => {
        const page = ok(hldPage(hostsRange(100, 2), { warningWithoutUrl: true }));
        qualys.on('hld', page, page, page, page);
        const outcome = await drain(
            startPoll(testConfig({ truncationLimit: 2 }), undefined, h, { maxPageAttempts: 4 })
        );

        const error = pollError(outcome);
        expect(error.kind).to.equal('protocol');
        expect(error.message).to.match(/no id_min/);
        // Retried a bounded number of times, never past the window.
        expect(qualys.forms('hld')).to.have.length(4);
        expect(lastCheckpoint(outcome.batches).watermark).to.equal(undefined);
    });

    it('fails with a protocol error when the WARNING URL has no id_min', async () => {
        const page = ok(
            hldPage(hostsRange(100, 1), {
                warningUrl: 'https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/?action=list'
            })
        );
        qualys.on('hld', page, page);
        const outcome = await drain(
            startPoll(testConfig({ truncationLimit: 1 }), undefined, h, { maxPageAttempts: 2 })
        );

        expect(pollError(outcome).kind).to.equal('protocol');
        expect(qualys.forms('hld')).to.have.length(2);
    });

    it('closes a chunk at chunkDetections as well as at chunkHosts, so a heavy page never arrives in one batch', async () => {
        qualys.on('hld', ok(hldPage(hostsRange(100, 5, [1, 2, 3]))));
        const { batches } = await drain(startPoll(testConfig(), undefined, h, { chunkHosts: 100, chunkDetections: 6 }));

        const sizes = batches.map(batch => findingKeys([batch]).length).filter(size => size > 0);
        expect(sizes).to.deep.equal([6, 6, 3]);
    });

    it('delivers an empty window as complete: no HOST_LIST, no WARNING', async () => {
        qualys.on('hld', ok(hldPage([])));
        const { batches, error } = await drain(startPoll(testConfig(), undefined, h));

        expect(error).to.equal(undefined);
        expect(findingKeys(batches)).to.deep.equal([]);
        expect(lastCheckpoint(batches).watermark).to.equal('2024-05-14T10:00:00Z');
    });
});
