import type { Artifact, PollItem, StreamCheckpoints } from '@signal-connectors/connector-sdk';
import { createTestContext, FakeClock, InMemoryKeyValueStore } from '@signal-connectors/connector-sdk/testing';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import { expect } from 'chai';
import type { QualysConfig } from '../model/index.js';
import type { HostRemovedData, HostReturnedData, OcsfVulnerabilityFinding } from '../ocsf/index.js';
import {
    artifactsOf,
    checkpointsAfter,
    CONNECTOR_ID,
    drain,
    runSummaryOf,
    sandboxConfig
} from '../test/poll-harness.js';
import type { HostReconciliationCheckpoint } from './qualys-checkpoint.js';
import { pollQualys, type PollTuning } from './qualys-poller.js';
import { QualysApiClient } from '../client/qualys-api-client.js';

const PASSWORD = 'Rec0ncile-S3cret!pw';
const DAY = 86_400_000;
/** After the tenant's data (which predates 2024-05-14T08:00:00Z). */
const START = Date.parse('2024-05-14T10:00:00Z');

function findings(items: readonly PollItem[]): Artifact<OcsfVulnerabilityFinding>[] {
    return artifactsOf(items, 'ocsf.vulnerability_finding') as Artifact<OcsfVulnerabilityFinding>[];
}

describe('pollQualys: the host_reconciliation stream against the sandbox', () => {
    let sandbox: QualysSandbox;
    let clock: FakeClock;
    let store: InMemoryKeyValueStore;
    let pluginStore: InMemoryKeyValueStore;

    const configOf = (settings: Record<string, unknown> = {}): QualysConfig => {
        return sandboxConfig(sandbox, PASSWORD, {
            scans: false,
            truncationLimit: 10,
            // One range: the only host list calls are the reconciliation's.
            maxConcurrentPages: 1,
            ...settings
        });
    };

    /** One poll at the clock's time, on the instance's store (the ledger) and plugin store (the KB cache). */
    const poll = (config: QualysConfig, checkpoints: StreamCheckpoints = {}, tuning: Partial<PollTuning> = {}) => {
        const ctx = createTestContext({
            connectorId: CONNECTOR_ID,
            instanceId: 'qualys-rec',
            clock,
            store,
            pluginStore
        });
        const api = new QualysApiClient(config, { http: ctx.http, logger: ctx.logger, clock });
        return drain(pollQualys(config, checkpoints, ctx, api, tuning));
    };

    before(async () => {
        sandbox = await QualysSandbox.start({ hosts: 30, detectionsPerHost: 3, resultsSize: 10, password: PASSWORD });
    });
    after(() => sandbox.close());
    beforeEach(() => {
        clock = new FakeClock({ now: new Date(START).toISOString(), autoAdvance: true });
        store = new InMemoryKeyValueStore();
        pluginStore = new InMemoryKeyValueStore();
        sandbox.tenant.restore(sandbox.tenant.purgedHostIds());
        sandbox.requests.clear();
    });

    it('runs once per interval: a purge is found by the next run, and a host that comes back is reported again', async () => {
        const config = configOf();
        const first = await poll(config);
        expect(first.error).to.equal(undefined);
        expect(first.statuses.host_reconciliation).to.deep.equal({ stream: 'host_reconciliation', status: 'complete' });
        expect(sandbox.requests.all('hosts').map(request => request.params.details)).to.deep.equal(['None']);
        expect(runSummaryOf(first.batches).reconciliation).to.deep.equal({
            hostsRemoved: 0,
            findingsClosed: 0,
            hostsReturned: 0,
            completed: true
        });
        const gone = [sandbox.tenant.hostIdAt(4), sandbox.tenant.hostIdAt(21)];
        const open = findings(first.items).filter(
            finding => gone.includes(Number(finding.data.device.uid)) && ![3, 4].includes(finding.data.status_id)
        );
        expect(open.length).to.be.greaterThan(0);

        // Purged now, but the next run is not due for a day: an hour later nothing is compared.
        sandbox.tenant.purge(gone);
        sandbox.requests.clear();
        await clock.advance(3_600_000);
        let checkpoints = checkpointsAfter(first.items);
        const early = await poll(config, checkpoints);
        expect(early.error).to.equal(undefined);
        expect(sandbox.requests.count('hosts')).to.equal(0);
        expect(early.batches.filter(batch => batch.stream === 'host_reconciliation')).to.deep.equal([]);
        expect(runSummaryOf(early.batches).reconciliation).to.equal(undefined);

        await clock.advance(DAY);
        checkpoints = checkpointsAfter(early.items, checkpoints);
        const due = await poll(config, checkpoints);
        expect(due.error).to.equal(undefined);
        const removed = artifactsOf(due.items, 'qualys.host_removed').map(a => a.data as HostRemovedData);
        expect(removed.map(record => record.hostId)).to.deep.equal(gone);
        const closing = findings(due.items).filter(finding => finding.data.metadata.labels?.includes('host_removed'));
        expect(closing.map(finding => finding.data.finding_info.uid).sort()).to.deep.equal(
            open.map(finding => finding.data.finding_info.uid).sort()
        );
        for (const update of closing) expect(update.data).to.include({ activity_id: 3, status: 'Resolved' });
        expect(runSummaryOf(due.batches).reconciliation).to.deep.equal({
            hostsRemoved: 2,
            findingsClosed: open.length,
            hostsReturned: 0,
            completed: true
        });
        const done = checkpointsAfter(due.items, checkpoints);
        expect(done.host_reconciliation).to.deep.equal({
            version: 2,
            lastCompletedAt: new Date(START + DAY + 3_600_000).toISOString().replace('.000', '')
        });

        sandbox.tenant.restore([gone[1]]);
        await clock.advance(DAY);
        const back = await poll(config, done);
        expect(back.error).to.equal(undefined);
        const returned = artifactsOf(back.items, 'qualys.host_returned').map(a => a.data as HostReturnedData);
        expect(returned.map(record => record.hostId)).to.deep.equal([gone[1]]);
        // Its findings again, as Qualys holds them (the host was not re-scanned, so no window would have them).
        const again = findings(back.items).filter(finding => finding.data.device.uid === String(gone[1]));
        const expected = [...sandbox.tenant.expectedDetections({})].filter(d => d.hostId === gone[1]);
        expect(again.map(finding => finding.data.finding_info.uid_alt).sort()).to.deep.equal(
            expected.map(d => String(d.uniqueVulnId)).sort()
        );
        expect(artifactsOf(back.items, 'qualys.host_removed'), 'the other host is not removed twice').to.deep.equal([]);
    });

    it('resumes an interrupted run from its checkpoint, closing with the configured status', async () => {
        const config = configOf({ removedHostStatus: 'Suppressed' });
        const first = await poll(config);
        const gone = [sandbox.tenant.hostIdAt(2), sandbox.tenant.hostIdAt(25)];
        sandbox.tenant.purge(gone);
        sandbox.requests.clear();
        const startedAt = '2024-05-14T12:00:00Z';
        const resumeAt = sandbox.tenant.hostIdAt(10);
        const checkpoints = {
            ...checkpointsAfter(first.items),
            host_reconciliation: {
                version: 2,
                lastCompletedAt: '2024-05-14T10:00:00Z',
                run: { startedAt, fromId: resumeAt }
            } satisfies HostReconciliationCheckpoint
        };
        await clock.advance(3 * 3_600_000);

        const resumed = await poll(config, checkpoints, { hostListPageSize: 8 });

        expect(resumed.error).to.equal(undefined);
        const calls = sandbox.requests.all('hosts');
        expect(calls[0].params).to.include({ id_min: String(resumeAt), truncation_limit: '8' });
        expect(calls.length).to.be.greaterThan(1);
        // Hosts before the resume point were compared by the interrupted part of the run.
        const removed = artifactsOf(resumed.items, 'qualys.host_removed').map(a => a.data as HostRemovedData);
        expect(removed).to.have.length(1);
        expect(removed[0]).to.include({ hostId: gone[1], detectedAt: startedAt, closedAs: 'Suppressed' });
        const closing = findings(resumed.items).filter(finding => finding.data.activity_id === 3);
        expect(closing).to.have.length(removed[0].closedFindings);
        for (const update of closing) expect(update.data).to.include({ status_id: 3, status: 'Suppressed' });
        const batches = resumed.batches.filter(batch => batch.stream === 'host_reconciliation');
        expect(batches.at(-1)?.checkpoint).to.deep.equal({ version: 2, lastCompletedAt: startedAt });
        expect(
            batches.slice(0, -1).map(batch => (batch.checkpoint as HostReconciliationCheckpoint).run?.startedAt)
        ).to.satisfy((starts: string[]) => starts.every(start => start === startedAt));
    });

    it('neither reads the host list nor keeps a ledger when turned off', async () => {
        const outcome = await poll(configOf({ hostReconciliation: false }));

        expect(outcome.error).to.equal(undefined);
        expect(findings(outcome.items).length).to.be.greaterThan(0);
        expect(sandbox.requests.count('hosts')).to.equal(0);
        expect(runSummaryOf(outcome.batches).streams.host_reconciliation).to.deep.equal({ outcome: 'skipped' });
        const keys: string[] = [];
        for await (const key of store.keys()) keys.push(key);
        expect(keys.filter(key => key.startsWith('host:'))).to.deep.equal([]);
    });
});
