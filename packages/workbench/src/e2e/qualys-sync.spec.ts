import { expect } from 'chai';
import {
    delay,
    E2eEnvironment,
    findingHostIds,
    findingKeyList,
    runSummaries,
    scanRefList,
    unexplainedQids,
    type RunSummaryData
} from './e2e-harness.spec.helper.js';

/** Qualys times are whole seconds (`2024-05-14T08:00:00Z`). */
function seconds(qualysTime: string | undefined): number {
    return Date.parse(qualysTime ?? 'missing') / 1000;
}

describe('e2e: signal-client poll of the Qualys sandbox (full and incremental sync)', () => {
    let e2e: E2eEnvironment | undefined;

    afterEach(async () => {
        await e2e?.close();
        e2e = undefined;
    });

    it('delivers exactly the tenant, with its KnowledgeBase entries, scans and a matching run summary', async () => {
        e2e = await E2eEnvironment.start({ sandbox: { hosts: 90, detectionsPerHost: 6 }, truncationLimit: 25 });

        const result = await e2e.poll();

        expect(result.code, result.stdout + result.stderr).to.equal(0);
        const artifacts = await e2e.artifacts();
        const expected = e2e.expectedKeys();
        const delivered = findingKeyList(artifacts);
        expect(expected.size).to.be.greaterThan(300);
        // Every detection once: nothing missing, nothing extra, no duplicate within one clean poll.
        expect(new Set(delivered)).to.deep.equal(expected);
        expect(delivered).to.have.length(expected.size);

        const [summary, ...more] = runSummaries(artifacts);
        expect(more, 'one run summary per poll').to.deep.equal([]);
        expect(summary).to.include({ outcome: 'complete', detections: expected.size, hosts: 90, pages: 4 });
        expect(summary.window?.after, 'a first poll reads every host').to.equal(undefined);
        expect(artifacts.at(-1)?.type, 'the summary closes the poll').to.equal('qualys.run_summary');

        // Each finding's QID is explained by a KnowledgeBase artifact; every scan Qualys lists is delivered.
        expect(unexplainedQids(artifacts)).to.deep.equal([]);
        const scans = scanRefList(artifacts);
        expect(new Set(scans)).to.deep.equal(e2e.recentScanRefs());
        expect(scans).to.have.length(e2e.recentScanRefs().size);

        // The window is closed: the committed checkpoint holds its end as the next watermark.
        const checkpoint = e2e.committedCheckpoint();
        expect(checkpoint?.window).to.equal(undefined);
        expect(checkpoint?.watermark).to.equal(summary.window?.before);
        const pages = e2e.sandbox.requests.all('hld');
        expect(pages.map(page => [page.status, page.completed])).to.deep.equal(Array(4).fill([200, true]));
    });

    it('then delivers only the re-scanned hosts, from the previous watermark minus the overlap', async () => {
        e2e = await E2eEnvironment.start({
            sandbox: { hosts: 120, detectionsPerHost: 5 },
            truncationLimit: 30,
            settings: { windowOverlap: '1s' }
        });
        const first = await e2e.poll();
        expect(first.code, first.stdout + first.stderr).to.equal(0);
        const firstArtifacts = await e2e.artifacts();
        const firstSummary = runSummaries(firstArtifacts)[0];
        expect(new Set(findingKeyList(firstArtifacts))).to.deep.equal(e2e.expectedKeys());

        // Re-scan on the wall clock strictly after the first window closed, so the re-scans fall in the next one.
        const watermark = firstSummary.window!.before;
        await delay(Math.max(0, seconds(watermark) * 1000 + 2100 - Date.now()));
        const advance = e2e.sandbox.advance({ rescanFraction: 0.15 });
        expect(advance.rescannedHosts).to.be.within(5, 60);
        const rescanned = e2e.expectedKeys({ vmProcessedAfter: advance.previous });
        const rescannedHosts = new Set(
            [...e2e.sandbox.tenant.expectedDetections({ vmProcessedAfter: advance.previous })].map(d => d.hostId)
        );

        const second = await e2e.poll();

        expect(second.code, second.stdout + second.stderr).to.equal(0);
        const secondArtifacts = (await e2e.artifacts()).slice(firstArtifacts.length);
        const summary: RunSummaryData = runSummaries(secondArtifacts)[0];
        expect(seconds(summary.window?.after), 'window start = watermark - overlap').to.equal(seconds(watermark) - 1);
        expect(summary.watermark).to.equal(watermark);
        const delivered = findingKeyList(secondArtifacts);
        // Exactly what Qualys holds for the second window: the re-scanned hosts, all their detections, nothing else.
        const window = { vmProcessedAfter: summary.window!.after, vmProcessedBefore: summary.window!.before };
        expect(new Set(delivered)).to.deep.equal(e2e.expectedKeys(window));
        expect(new Set(delivered)).to.deep.equal(rescanned);
        expect(delivered).to.have.length(rescanned.size);
        expect(new Set(findingHostIds(secondArtifacts))).to.deep.equal(rescannedHosts);
        expect(rescannedHosts.size).to.equal(advance.rescannedHosts);
        expect(summary).to.include({ outcome: 'complete', hosts: advance.rescannedHosts, detections: rescanned.size });
        expect(delivered.length).to.be.lessThan(findingKeyList(firstArtifacts).length / 2);
        const secondPages = e2e.sandbox.requests.all('hld').slice(-1)[0];
        expect(secondPages.params.vm_processed_after).to.equal(summary.window!.after);
    });
});
