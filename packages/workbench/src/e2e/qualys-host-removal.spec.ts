import { expect } from 'chai';
import type { Artifact } from '@signal-connectors/connector-sdk';
import {
    delay,
    E2eEnvironment,
    FINDING_TYPE,
    findingKeyList,
    ocsfProblems,
    runSummaries
} from './e2e-harness.spec.helper.js';

type Delivered = Artifact<Record<string, unknown>>;

/** The parts of a finding this scene reads. */
interface Finding {
    activity_id: number;
    status_id: number;
    status: string;
    status_detail?: string;
    metadata: { labels?: string[] };
    finding_info: { uid: string };
    device: { uid: string };
}

const findingsOf = (artifacts: readonly Delivered[]): Finding[] =>
    artifacts.filter(artifact => artifact.type === FINDING_TYPE).map(artifact => artifact.data as unknown as Finding);

const hostIdsOf = (artifacts: readonly Delivered[], type: string): number[] =>
    artifacts.filter(artifact => artifact.type === type).map(artifact => (artifact.data as { hostId: number }).hostId);

/** The reconciliation figures of the last run summary in `artifacts`. */
function reconciliationOf(artifacts: readonly Delivered[]): unknown {
    return (runSummaries(artifacts).at(-1) as { reconciliation?: unknown } | undefined)?.reconciliation;
}

describe('e2e: hosts removed from Qualys (the host_reconciliation stream)', function () {
    this.timeout(90_000);
    let e2e: E2eEnvironment | undefined;

    after(async () => {
        await e2e?.close();
    });

    it('reports purged hosts and closes their open findings within one reconciliation, and reports a host back', async () => {
        e2e = await E2eEnvironment.start({
            sandbox: { hosts: 70, detectionsPerHost: 4, resultsSize: 20, seed: 11 },
            truncationLimit: 25,
            // Due at every poll of this scene (a day by default).
            settings: { hostReconciliationInterval: '1s', removedHostStatus: 'Resolved' }
        });
        const sandbox = e2e.sandbox;

        const first = await e2e.poll();
        expect(first.code, first.stdout + first.stderr).to.equal(0);
        const delivered = await e2e.artifacts();
        expect(new Set(findingKeyList(delivered))).to.deep.equal(e2e.expectedKeys());
        expect(reconciliationOf(delivered)).to.deep.include({ hostsRemoved: 0, completed: true });
        // One host list call splits the first sync into host id ranges, one reconciles.
        expect(sandbox.requests.count('hosts')).to.equal(2);

        // Purged as an operator would see it happen: through the sandbox's admin API, between two polls.
        const gone = [sandbox.tenant.hostIdAt(3), sandbox.tenant.hostIdAt(35), sandbox.tenant.hostIdAt(69)];
        const purge = await fetch(`${sandbox.url}/__sandbox/purge`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ hostIds: gone })
        });
        expect(await purge.json()).to.deep.equal({ purged: gone });
        const open = findingsOf(delivered).filter(
            finding => gone.includes(Number(finding.device.uid)) && finding.status_id !== 4 && finding.status_id !== 3
        );
        expect(open.length).to.be.greaterThan(5);
        await delay(1100);

        const second = await e2e.poll();
        expect(second.code, second.stdout + second.stderr).to.equal(0);
        const afterPurge = (await e2e.artifacts()).slice(delivered.length);
        expect(hostIdsOf(afterPurge, 'qualys.host_removed')).to.deep.equal(gone);
        const closing = findingsOf(afterPurge).filter(finding => finding.metadata.labels?.includes('host_removed'));
        expect(closing.map(finding => finding.finding_info.uid).sort()).to.deep.equal(
            open.map(finding => finding.finding_info.uid).sort()
        );
        for (const update of closing) {
            expect(update).to.include({ activity_id: 3, status_id: 4, status: 'Resolved' });
            expect(update.status_detail).to.match(/no longer in the Qualys host list/);
        }
        expect(reconciliationOf(afterPurge)).to.deep.equal({
            hostsRemoved: 3,
            findingsClosed: open.length,
            hostsReturned: 0,
            completed: true
        });
        const { findings: checked, problems } = ocsfProblems(afterPurge);
        expect(checked).to.equal(findingsOf(afterPurge).length);
        expect(problems).to.deep.equal([]);

        // One host comes back (re-discovered): reported again with its findings; the others stay removed.
        sandbox.tenant.restore([gone[1]]);
        await delay(1100);
        const third = await e2e.poll();
        expect(third.code, third.stdout + third.stderr).to.equal(0);
        const afterReturn = (await e2e.artifacts()).slice(delivered.length + afterPurge.length);
        expect(hostIdsOf(afterReturn, 'qualys.host_returned')).to.deep.equal([gone[1]]);
        expect(hostIdsOf(afterReturn, 'qualys.host_removed')).to.deep.equal([]);
        const ofHost = (key: string) => key.startsWith(`${gone[1]}|`);
        const backKeys = findingKeyList(afterReturn).filter(ofHost);
        const expected = [...e2e.expectedKeys()].filter(ofHost);
        expect(expected.length).to.be.greaterThan(0);
        expect(new Set(backKeys)).to.deep.equal(new Set(expected));
        expect(reconciliationOf(afterReturn)).to.deep.include({ hostsRemoved: 0, hostsReturned: 1, completed: true });
    });
});
