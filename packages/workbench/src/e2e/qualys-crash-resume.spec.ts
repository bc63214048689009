import { expect } from 'chai';
import {
    E2eEnvironment,
    findingHostIds,
    findingKeyList,
    INSTANCE_ID,
    runSummaries,
    waitUntil
} from './e2e-harness.spec.helper.js';

describe('e2e: signal-client poll killed with SIGKILL half-way, then polled again', () => {
    let e2e: E2eEnvironment | undefined;

    afterEach(async () => {
        await e2e?.close();
        e2e = undefined;
    });

    it('resumes from the page it was on, in the same window, and delivers every detection', async () => {
        // 150 hosts in 5 pages of 30. The 3rd page's answer is held back, so the poll is deterministically
        // half-way when it is killed: pages 1-2 delivered and committed, page 3 requested.
        e2e = await E2eEnvironment.start({ sandbox: { hosts: 150, detectionsPerHost: 5 }, truncationLimit: 30 });
        const sandbox = e2e.sandbox;
        sandbox.faults.inject({ type: 'slow-first-byte', endpoint: 'hld', onRequest: 3, delayMs: 30_000 });

        const killed = e2e.startCli(['poll', INSTANCE_ID]);
        await waitUntil(() => sandbox.requests.count('hld') >= 3, 'the 3rd host detection request');
        killed.child.kill('SIGKILL');
        const end = await killed.exited;
        expect(end.signal, end.stdout + end.stderr).to.equal('SIGKILL');

        const [page1, page2, page3] = sandbox.requests.all('hld');
        expect(page2.params.id_min).to.not.equal(undefined);
        const killedRun = await e2e.artifacts();
        expect(runSummaries(killedRun), 'a killed poll writes no summary').to.deep.equal([]);
        const checkpoint = e2e.committedCheckpoint();
        const nextIdMin = checkpoint?.window?.ranges[0].nextIdMin;
        // The commit after page 2 points at page 3: what the killed poll was asking for when it died.
        expect(nextIdMin).to.equal(Number(page3.params.id_min));
        expect(checkpoint?.window?.before).to.equal(page1.params.vm_processed_before);
        const killedHosts = findingHostIds(killedRun);
        expect(killedHosts).to.have.length(60);
        expect(Math.max(...killedHosts)).to.be.lessThan(nextIdMin!);

        const resumed = await e2e.poll();

        expect(resumed.code, resumed.stdout + resumed.stderr).to.equal(0);
        // The dead process's lock on the state database went with it: nothing stale to take over or clean up.
        expect(resumed.stdout + resumed.stderr).to.not.match(/lock/i);
        const [firstResumed] = sandbox.requests.all('hld').slice(3);
        expect(Number(firstResumed.params.id_min)).to.be.greaterThan(sandbox.tenant.hostIdAt(0));
        expect(firstResumed.params.id_min).to.equal(String(nextIdMin));
        expect(firstResumed.params.vm_processed_before).to.equal(page1.params.vm_processed_before);
        expect(firstResumed.params.vm_processed_after).to.equal(undefined);

        const all = await e2e.artifacts();
        const resumedRun = all.slice(killedRun.length);
        // Nothing lost across the two processes; at-least-once would allow duplicates, but none were needed.
        expect(new Set(findingKeyList(all))).to.deep.equal(e2e.expectedKeys());
        expect(findingKeyList(all)).to.have.length(e2e.expectedKeys().size);
        expect(findingHostIds(resumedRun).every(id => id >= nextIdMin!)).to.equal(true);
        const [summary] = runSummaries(resumedRun);
        expect(summary.resumedFrom).to.deep.equal({ nextIdMin });
        expect(summary.window?.before).to.equal(page1.params.vm_processed_before);
        const remaining = new Set([...sandbox.tenant.expectedDetections({ idMin: nextIdMin })].map(d => d.hostId));
        expect(summary).to.include({ outcome: 'complete', hosts: remaining.size });
        expect(e2e.committedCheckpoint()).to.deep.include({ watermark: page1.params.vm_processed_before });
    });
});
