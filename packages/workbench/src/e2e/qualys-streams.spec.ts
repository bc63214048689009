import { expect } from 'chai';
import type { LegacyQualysCheckpoint } from '@signal-connectors/qualys-plugin';
import {
    delay,
    E2eEnvironment,
    findingHostIds,
    findingKeyList,
    INSTANCE_ID,
    runSummaries,
    scanRefList,
    unexplainedQids
} from './e2e-harness.spec.helper.js';
import { expectCleanFailure } from './fault-scenario.spec.helper.js';
import { writeVersion1State } from './legacy-state.spec.helper.js';

/** A stream's state as `status --json` prints it. */
interface StreamJson {
    stream: string;
    status?: string;
    error?: { kind: string; message: string; hint?: string };
    checkpointAt?: string;
    runArtifacts: number;
}

const MAINTENANCE = 'We are performing scheduled maintenance on our System';

/** Qualys times are whole seconds (`2024-05-14T08:00:00Z`). */
function qualysTime(ms: number): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

describe('e2e: streams, each with its own checkpoint and status', () => {
    let e2e: E2eEnvironment | undefined;

    afterEach(async () => {
        await e2e?.close();
        e2e = undefined;
    });

    it('a scan list that fails on every call: detections and the KnowledgeBase still arrive and move on, status names the failing stream', async function () {
        // Two polls, each reading the scan list three times with a back-off, and two status commands.
        this.timeout(90_000);
        e2e = await E2eEnvironment.start({
            sandbox: { hosts: 60, detectionsPerHost: 4 },
            truncationLimit: 20,
            settings: { windowOverlap: '1s' }
        });
        e2e.sandbox.faults.inject({
            type: 'simple-return',
            endpoint: 'scans',
            code: 1999,
            text: MAINTENANCE,
            times: 1000
        });

        const first = await e2e.poll();

        expectCleanFailure(first);
        expect(first.stdout).to.match(/error \(transient\): stream 'scans' failed: .*maintenance/);
        expect(first.stdout).to.match(
            /streams: knowledge_base complete \(0\), host_detections complete \([\d,]+\), scans failed/
        );
        const artifacts = await e2e.artifacts();
        expect(new Set(findingKeyList(artifacts)), 'every detection delivered').to.deep.equal(e2e.expectedKeys());
        expect(unexplainedQids(artifacts), 'every finding explained by a KnowledgeBase artifact').to.deep.equal([]);
        expect(scanRefList(artifacts)).to.deep.equal([]);
        const [summary] = runSummaries(artifacts);
        expect(summary.outcome).to.equal('partial');
        expect(summary.streams).to.deep.include({
            knowledge_base: { outcome: 'complete' },
            host_detections: { outcome: 'complete' }
        });
        expect(summary.streams.scans.outcome).to.equal('failed');
        // The scan list was asked three times (re-read after each failure), and never held detections back.
        expect(e2e.sandbox.requests.all('scans').map(request => request.code)).to.deep.equal([1999, 1999, 1999]);

        const afterFirst = e2e.committedCheckpoints();
        expect(Object.keys(afterFirst).sort()).to.deep.equal([
            'host_detections',
            'host_reconciliation',
            'knowledge_base'
        ]);
        const firstWatermark = e2e.committedCheckpoint()?.watermark;
        expect(firstWatermark).to.equal(summary.window?.before);
        expect(afterFirst.knowledge_base).to.deep.include({ version: 2 });

        const status = await e2e.cli(['status']);
        expect(status.code, status.stderr).to.equal(0);
        expect(status.stdout).to.contain(`${INSTANCE_ID} streams:`);
        expect(status.stdout).to.match(/^ {2}host_detections +complete +\S+ ago +[\d,]+ artifacts +\S+$/m);
        expect(status.stdout).to.match(/^ {2}knowledge_base +complete +\S+ ago +[\d,]+ artifacts? +\S+$/m);
        expect(status.stdout).to.match(/^ {2}scans +failed +\S+ ago +0 artifacts +none$/m);
        expect(status.stdout).to.match(/^ {2}scans failed \(transient\): .*1999.*maintenance/m);
        expect(status.stdout).to.match(/^ {4}hint: .+$/m);
        const json = await e2e.cli(['status', '--json']);
        const [instance] = (JSON.parse(json.stdout) as { instances: { streams: StreamJson[] }[] }).instances;
        const scans = instance.streams.find(stream => stream.stream === 'scans');
        expect(scans).to.deep.include({ status: 'failed', runArtifacts: 0 });
        expect(scans?.error?.kind).to.equal('transient');
        expect(scans?.error?.message).to.contain(MAINTENANCE);
        expect(instance.streams.find(stream => stream.stream === 'host_detections')?.status).to.equal('complete');

        // The next poll: the detection window moves on from the first one's end; the scan list still fails.
        await delay(Math.max(0, Date.parse(firstWatermark ?? '') + 2100 - Date.now()));
        const advance = e2e.sandbox.advance({ rescanFraction: 0.2 });
        const second = await e2e.poll();

        expectCleanFailure(second);
        const secondArtifacts = (await e2e.artifacts()).slice(artifacts.length);
        const secondSummary = runSummaries(secondArtifacts)[0];
        expect(secondSummary.watermark).to.equal(firstWatermark);
        expect(Date.parse(e2e.committedCheckpoint()?.watermark ?? '')).to.be.greaterThan(
            Date.parse(firstWatermark ?? '')
        );
        expect(new Set(findingKeyList(secondArtifacts))).to.deep.equal(
            e2e.expectedKeys({ vmProcessedAfter: advance.previous })
        );
        expect(e2e.committedCheckpoints()).to.not.have.property('scans');
    });

    it('upgrades a state database from before streams and resumes its window mid-way instead of re-syncing', async () => {
        e2e = await E2eEnvironment.start({
            sandbox: { hosts: 90, detectionsPerHost: 4, scans: 6 },
            truncationLimit: 20
        });
        const tenant = e2e.sandbox.tenant;
        const now = Date.now();
        // The old release was half-way through a first full sync when it stopped: hosts up to the 40th delivered.
        const nextIdMin = tenant.hostIdAt(40);
        const legacy: LegacyQualysCheckpoint = {
            version: 1,
            window: { before: qualysTime(now), nextIdMin },
            scansSince: qualysTime(now - 3 * 86_400_000),
            scanStates: {},
            kbRefreshedAt: qualysTime(now - 3_600_000)
        };
        await writeVersion1State(e2e.dataDir, INSTANCE_ID, legacy);

        const result = await e2e.poll();

        expect(result.code, result.stdout + result.stderr).to.equal(0);
        const [firstPage] = e2e.sandbox.requests.all('hld');
        expect(firstPage.params).to.include({ id_min: String(nextIdMin), vm_processed_before: legacy.window?.before });
        expect(firstPage.params.vm_processed_after).to.equal(undefined);
        const artifacts = await e2e.artifacts();
        const expected = e2e.expectedKeys({ idMin: nextIdMin, vmProcessedBefore: legacy.window?.before });
        expect(new Set(findingKeyList(artifacts)), 'the rest of the window, not the whole tenant').to.deep.equal(
            expected
        );
        expect(findingHostIds(artifacts).every(id => id >= nextIdMin)).to.equal(true);
        expect(expected.size).to.be.lessThan(e2e.expectedKeys().size);
        // Each other stream took its part: the scan list from the old scan watermark, no KnowledgeBase refresh yet.
        expect(e2e.sandbox.requests.first('scans')?.params.launched_after_datetime).to.equal(legacy.scansSince);
        expect(e2e.sandbox.requests.all('kb').map(request => request.params.last_modified_after)).to.not.include(
            legacy.kbRefreshedAt
        );
        expect(runSummaries(artifacts)[0]).to.deep.include({
            resumedFrom: { nextIdMin, ranges: [{ nextIdMin }] },
            outcome: 'complete'
        });

        // Every stream has its own checkpoint now, and the old one is gone.
        const checkpoints = e2e.committedCheckpoints();
        expect(Object.keys(checkpoints).sort()).to.deep.equal([
            'host_detections',
            'host_reconciliation',
            'knowledge_base',
            'scans'
        ]);
        expect(checkpoints.host_detections).to.deep.include({ version: 3, watermark: legacy.window?.before });
        expect(checkpoints.host_detections).to.not.have.property('window');
        expect(checkpoints.knowledge_base).to.deep.equal({ version: 2, refreshedAt: legacy.kbRefreshedAt });
    });
});
