import { expect } from 'chai';
import type { Artifact } from '@signal-connectors/connector-sdk';
import { E2eEnvironment, FINDING_TYPE, findingKeyList, ocsfProblems } from './e2e-harness.spec.helper.js';

type Delivered = Artifact<Record<string, unknown>>;

/** What one first poll delivered and what it asked the sandbox for. */
interface Scene {
    artifacts: Delivered[];
    expected: Set<string>;
    /** The parameters and path of every host detection request. */
    requests: { path: string; params: Record<string, string> }[];
    /** Host detection answer bytes per finding. */
    bytesPerFinding: number;
}

const TENANT = { hosts: 80, detectionsPerHost: 5, resultsSize: 40, seed: 11 };

async function firstPoll(settings: Record<string, string | boolean>): Promise<Scene> {
    const e2e = await E2eEnvironment.start({ sandbox: TENANT, truncationLimit: 40, settings });
    try {
        const result = await e2e.poll();
        expect(result.code, result.stdout + result.stderr).to.equal(0);
        const artifacts = await e2e.artifacts();
        const hld = e2e.sandbox.requests.all('hld');
        const findings = artifacts.filter(artifact => artifact.type === FINDING_TYPE).length;
        return {
            artifacts,
            expected: e2e.expectedKeys(),
            requests: hld.map(record => ({ path: record.path, params: record.params })),
            bytesPerFinding: hld.reduce((sum, record) => sum + record.bodyBytes, 0) / findings
        };
    } finally {
        await e2e.close();
    }
}

const riskScored = (artifacts: readonly Delivered[]): number =>
    artifacts.filter(artifact => artifact.type === FINDING_TYPE && 'risk_score' in artifact.data).length;

describe('e2e: asking Qualys for less detail (qds and cloudMetadata off, host detection API 2.0)', function () {
    this.timeout(60_000);
    let full: Scene;
    let lean: Scene;

    before(async () => {
        full = await firstPoll({});
        lean = await firstPoll({ qds: false, cloudMetadata: false, apiVersion: '{ hostDetection: "2.0" }' });
    });

    it('still delivers every detection, each a valid OCSF 1.5.0 Vulnerability Finding', () => {
        expect(new Set(findingKeyList(lean.artifacts))).to.deep.equal(lean.expected);
        const { findings, problems } = ocsfProblems(lean.artifacts);
        expect(findings).to.be.greaterThan(300);
        expect(problems).to.deep.equal([]);
    });

    it('asks for no score, factors or cloud metadata, on the API version configured', () => {
        expect(lean.requests).to.have.length.greaterThan(1);
        for (const { path, params } of lean.requests) {
            expect(path).to.equal('/api/2.0/fo/asset/host/vm/detection/');
            expect(params).to.not.have.any.keys('show_qds', 'show_qds_factors', 'host_metadata', 'show_cloud_tags');
        }
        for (const { params } of full.requests) expect(params).to.include({ show_qds: '1', show_qds_factors: '1' });
    });

    it('leaves the score out of the findings, and reads fewer bytes per finding than the defaults', () => {
        expect(riskScored(full.artifacts)).to.be.greaterThan(0);
        expect(riskScored(lean.artifacts)).to.equal(0);
        expect(lean.bytesPerFinding).to.be.lessThan(full.bytesPerFinding * 0.75);
    });
});
