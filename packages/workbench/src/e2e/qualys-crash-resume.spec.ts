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
        expect(summary.resumedFrom).to.deep.equal({ nextIdMin, ranges: checkpoint?.window?.ranges });
        expect(summary.window?.before).to.equal(page1.params.vm_processed_before);
        const remaining = new Set([...sandbox.tenant.expectedDetections({ idMin: nextIdMin })].map(d => d.hostId));
        expect(summary).to.include({ outcome: 'complete', hosts: remaining.size });
        expect(e2e.committedCheckpoint()).to.deep.include({ watermark: page1.params.vm_processed_before });
    });

    it('resumes each host id range from the page it was on, and delivers every detection once', async () => {
        // 1,200 hosts: enough for two ranges (the sandbox allows 2 concurrent calls), 6 pages of 100 each. The
        // 5th and 6th host detection requests are held back: one per range, since a range asks for its next page
        // only once its last page was delivered and committed. The poll is then deterministically stuck with both
        // ranges part-way.
        e2e = await E2eEnvironment.start({
            sandbox: { hosts: 1200, detectionsPerHost: 2, resultsSize: 10 },
            truncationLimit: 100
        });
        const sandbox = e2e.sandbox;
        sandbox.faults.inject({ type: 'slow-first-byte', endpoint: 'hld', onRequest: 5, delayMs: 60_000 });
        sandbox.faults.inject({ type: 'slow-first-byte', endpoint: 'hld', onRequest: 6, delayMs: 60_000 });

        const killed = e2e.startCli(['poll', INSTANCE_ID]);
        await waitUntil(() => sandbox.requests.count('hld') >= 6, 'the 6th host detection request', 60_000);
        killed.child.kill('SIGKILL');
        const end = await killed.exited;
        expect(end.signal, end.stdout + end.stderr).to.equal('SIGKILL');

        const held = sandbox.requests.all('hld').slice(4, 6);
        const ranges = e2e.committedCheckpoint()?.window?.ranges ?? [];
        expect(ranges).to.have.length(2);
        expect(ranges[0].idMax).to.equal(ranges[1].idMin! - 1);
        // Each range's cursor is the page its held request asked for.
        for (const range of ranges) {
            const request = held.find(
                h => h.params.id_max === (range.idMax === undefined ? undefined : String(range.idMax))
            );
            expect(request, `the held request of range ${range.idMin ?? ''}..${range.idMax ?? ''}`).to.not.equal(
                undefined
            );
            expect(range.done).to.equal(undefined);
            expect(String(range.nextIdMin)).to.equal(request?.params.id_min);
        }
        const killedRun = await e2e.artifacts();
        expect(findingHostIds(killedRun)).to.have.length.greaterThan(0);

        const resumed = await e2e.poll();

        expect(resumed.code, resumed.stdout + resumed.stderr).to.equal(0);
        const resumedRequests = sandbox.requests.all('hld').slice(6);
        for (const range of ranges) {
            const first = resumedRequests.find(
                r => r.params.id_max === (range.idMax === undefined ? undefined : String(range.idMax))
            );
            expect(first?.params.id_min).to.equal(String(range.nextIdMin));
        }
        const all = await e2e.artifacts();
        // Nothing lost across the two processes, and nothing delivered twice.
        expect(new Set(findingKeyList(all))).to.deep.equal(e2e.expectedKeys());
        expect(findingKeyList(all)).to.have.length(e2e.expectedKeys().size);
        expect(sandbox.requests.count(undefined, request => request.code === 1960)).to.equal(0);
        expect(e2e.committedCheckpoint()).to.not.have.property('window');
    });
});
