import { expect } from 'chai';
import { type Artifact, GotHttpClientFactory } from '@signal-connectors/connector-sdk';
import { CapturedLogger, FakeClock, InMemoryKeyValueStore } from '@signal-connectors/connector-sdk/testing';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import { QualysApiClient } from '../client/qualys-api-client.js';
import { validateQualysConfig } from '../config/qualys-config-validator.js';
import { mapDetection, type OcsfVulnerabilityFinding } from '../ocsf/index.js';
import { HostDetectionParser } from '../xml/index.js';
import { DeliveredHosts, HostLedger } from './host-ledger.js';
import { reconcileHosts, type ReconciliationBatch } from './host-reconciliation.js';

const SOURCE = { connector: 'signal-client.qualys', instance: 'qualys-reconcile' };
const STARTED = '2026-01-02T03:04:05Z';

describe('reconcileHosts against the sandbox host list', () => {
    let sandbox: QualysSandbox;
    let client: QualysApiClient;
    let store: InMemoryKeyValueStore;
    let ledger: HostLedger;
    let delivered: Artifact<OcsfVulnerabilityFinding>[];

    before(async () => {
        sandbox = await QualysSandbox.start({ hosts: 75, detectionsPerHost: 4, resultsSize: 0, seed: 3 });
        const result = validateQualysConfig({ host: sandbox.url, ...sandbox.credentials });
        if (!result.ok) throw new Error(JSON.stringify(result.problems));
        client = new QualysApiClient(result.config, {
            http: new GotHttpClientFactory({ clock: new FakeClock({ autoAdvance: true }), random: () => 0.5 }),
            logger: new CapturedLogger()
        });
        // What the host detection stream delivered: every finding of the tenant.
        const body = await client.streamHostDetections({ truncation_limit: '0', vm_processed_before: '2099-01-01' });
        delivered = [];
        for await (const { host, detections } of new HostDetectionParser(body).hosts()) {
            for (const detection of detections) delivered.push(mapDetection(host, detection, undefined, SOURCE));
        }
    });

    after(async () => {
        await sandbox.close();
    });

    beforeEach(async () => {
        store = new InMemoryKeyValueStore();
        ledger = new HostLedger(store);
        const seen = new DeliveredHosts('2026-01-01T00:00:00Z');
        for (const finding of delivered) seen.add(finding.data);
        await ledger.record(seen);
        sandbox.tenant.restore(sandbox.tenant.purgedHostIds());
        sandbox.requests.clear();
    });

    async function reconcile(maxArtifacts = 1000): Promise<ReconciliationBatch[]> {
        const batches: ReconciliationBatch[] = [];
        const run = reconcileHosts({
            fetchHostList: (params, signal) => client.fetchHostList(params, signal),
            ledger,
            source: SOURCE,
            startedAt: STARTED,
            fromId: 0,
            pageSize: 20,
            maxArtifacts,
            closedAs: 'Resolved'
        });
        for await (const batch of run) {
            batches.push(batch);
            await batch.commit();
        }
        return batches;
    }

    it('finds nothing to do when every host on record is listed, in one Host List call per page', async () => {
        const batches = await reconcile();
        expect(batches.flatMap(batch => batch.artifacts)).to.deep.equal([]);
        expect(batches.at(-1)?.nextFromId).to.equal(undefined);
        const calls = sandbox.requests.all('hosts');
        expect(calls).to.have.length(4);
        expect(calls.map(call => call.params.details)).to.deep.equal(['None', 'None', 'None', 'None']);
        expect(calls[1].params.id_min).to.equal(String(batches[0].nextFromId));
    });

    it('reports purged hosts and closes exactly their open findings, once', async () => {
        const purged = [sandbox.tenant.hostIdAt(2), sandbox.tenant.hostIdAt(40), sandbox.tenant.hostIdAt(74)];
        sandbox.tenant.purge(purged);
        const open = delivered.filter(a => purged.includes(Number(a.data.device.uid)) && a.data.status_id !== 4);

        const artifacts = (await reconcile()).flatMap(batch => batch.artifacts);

        const removedRecords = artifacts.filter(a => a.type === 'qualys.host_removed');
        expect(removedRecords.map(a => (a.data as { hostId: number }).hostId)).to.deep.equal(purged);
        const closing = artifacts.filter(
            a => a.type === 'ocsf.vulnerability_finding'
        ) as Artifact<OcsfVulnerabilityFinding>[];
        expect(closing.map(a => a.data.finding_info.uid).sort()).to.deep.equal(
            open.map(a => a.data.finding_info.uid).sort()
        );
        for (const update of closing) {
            expect(update.data).to.include({ activity_id: 3, status_id: 4, status: 'Resolved' });
            expect(update.data.status_detail).to.match(/no longer in the Qualys host list/);
            expect(update.data.metadata.labels).to.deep.equal(['host_removed']);
        }
        expect(
            (await reconcile()).flatMap(batch => batch.artifacts),
            'nothing twice'
        ).to.deep.equal([]);
    });

    it('reports a removed host that is listed again, and forgets it was removed', async () => {
        const host = sandbox.tenant.hostIdAt(10);
        sandbox.tenant.purge([host]);
        await reconcile();
        sandbox.tenant.restore([host]);

        const batches = await reconcile();

        const returned = batches.flatMap(batch => batch.artifacts).filter(a => a.type === 'qualys.host_returned');
        expect(returned.map(a => a.data)).to.deep.equal([
            {
                hostId: host,
                device: (returned[0].data as { device: unknown }).device,
                removedAt: STARTED,
                returnedAt: STARTED
            }
        ]);
        expect(batches.flatMap(batch => batch.returned)).to.deep.equal([host]);
        expect((await reconcile()).flatMap(batch => batch.artifacts)).to.deep.equal([]);
    });

    it('splits many closing updates into batches at host boundaries, each resumable', async () => {
        const purged = Array.from({ length: 10 }, (_, index) => sandbox.tenant.hostIdAt(index));
        sandbox.tenant.purge(purged);

        const batches = await reconcile(10);

        const withRemovals = batches.filter(batch => batch.removed.length > 0);
        expect(withRemovals.length).to.be.greaterThan(2);
        expect(withRemovals.flatMap(batch => batch.removed)).to.deep.equal(purged);
        for (const [index, batch] of withRemovals.entries()) {
            const next = withRemovals[index + 1];
            if (next !== undefined && batch.nextFromId !== undefined)
                expect(batch.nextFromId).to.be.at.most(next.removed[0]);
        }
    });
});
