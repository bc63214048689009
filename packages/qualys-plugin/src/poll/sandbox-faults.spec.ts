import type { PollBatch } from '@signal-connectors/connector-sdk';
import { expect } from 'chai';
import type { QualysConfig } from '../model/index.js';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import {
    artifactsOf,
    drain,
    lastCheckpoint,
    pollError,
    pollHarness,
    runSummaryOf,
    sandboxConfig,
    startPoll
} from '../test/poll-harness.js';

const PASSWORD = 'F4ults-S3cret!pw';

/** Host ids of the findings delivered, in delivery order, one per host. */
function hostIds(batches: readonly PollBatch[]): number[] {
    const ids = artifactsOf(batches, 'ocsf.vulnerability_finding').map(artifact =>
        Number((artifact.data as { device: { uid: string } }).device.uid)
    );
    return ids.filter((id, i) => ids[i - 1] !== id);
}

describe('pollQualys: faults of a real server (sandbox)', () => {
    let sandbox: QualysSandbox;
    let config: QualysConfig;
    /** The ids of the hosts the window must deliver, in order. */
    let expectedHosts: number[];

    before(async () => {
        sandbox = await QualysSandbox.start({ hosts: 20, detectionsPerHost: 2, resultsSize: 20, password: PASSWORD });
        config = sandboxConfig(sandbox, PASSWORD, {
            truncationLimit: 8,
            scans: false,
            kbEnrichment: false,
            hostReconciliation: false
        });
        expectedHosts = [...new Set([...sandbox.tenant.expectedDetections({})].map(d => d.hostId))];
    });
    after(() => sandbox.close());
    beforeEach(() => {
        sandbox.requests.clear();
        sandbox.faults.clear();
    });

    it('retries a page whose connection is reset after 5 hosts from the first host not delivered', async () => {
        sandbox.faults.inject({ type: 'reset', endpoint: 'hld', afterHosts: 5 });
        // The tenant's data predates this clock; its waits (the retry backoff) take no real time.
        const h = pollHarness({ now: '2024-05-14T10:00:00Z' });
        const { batches, error } = await drain(startPoll(config, undefined, h, { chunkHosts: 2 }));

        expect(error).to.equal(undefined);
        const [reset, retry] = sandbox.requests.all('hld');
        expect(reset).to.include({ fault: 'reset', completed: false });
        // Hosts 1-4 went out in two chunks; host 5 was read but not delivered, so the retry starts right after 4.
        expect(retry.params.id_min).to.equal(String(expectedHosts[3] + 1));
        expect(hostIds(batches)).to.deep.equal(expectedHosts);
        // The page read again counts as a retry in the run summary.
        expect(runSummaryOf(batches).retries).to.equal(1);
    });

    it('fails with protocol after a bounded number of truncated answers, checkpointed after the delivered hosts', async () => {
        // The first page is whole; every answer for the second page ends cleanly after 2 of its hosts.
        sandbox.faults.inject({ type: 'truncate', endpoint: 'hld', afterHosts: 2, onRequest: 2, times: 3 });
        const h = pollHarness({ now: '2024-05-14T10:00:00Z' });
        const outcome = await drain(startPoll(config, undefined, h, { maxPageAttempts: 3 }));

        expect(pollError(outcome).kind).to.equal('protocol');
        const requests = sandbox.requests.all('hld');
        expect(requests.map(request => request.fault)).to.deep.equal([undefined, 'truncate', 'truncate', 'truncate']);
        const nextPage = String(expectedHosts[7] + 1);
        expect(requests.slice(1).map(request => request.params.id_min)).to.deep.equal([nextPage, nextPage, nextPage]);
        expect(hostIds(outcome.batches)).to.deep.equal(expectedHosts.slice(0, 8));
        expect(lastCheckpoint(outcome.batches).window?.ranges[0].nextIdMin).to.equal(expectedHosts[7] + 1);
        expect(runSummaryOf(outcome.batches).outcome).to.equal('failed');
    });

    it('fails with auth on an expired account answered with HTTP 200', async () => {
        sandbox.faults.inject({
            type: 'simple-return',
            endpoint: 'hld',
            code: 2001,
            text: 'This account has expired.'
        });
        const h = pollHarness({ now: '2024-05-14T10:00:00Z' });
        const outcome = await drain(startPoll(config, undefined, h));

        expect(pollError(outcome).kind).to.equal('auth');
        expect(sandbox.requests.count('hld')).to.equal(1);
    });
});
