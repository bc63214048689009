import { expect } from 'chai';
import type { Artifact } from '@signal-connectors/connector-sdk';
import type { SyntheticHost } from '@signal-connectors/qualys-sandbox';
import { E2eEnvironment, FINDING_TYPE, findingKeyList, ocsfProblems } from './e2e-harness.spec.helper.js';

/** The parts of a finding these scenes read. */
interface Finding {
    time: number;
    metadata: { labels?: string[]; original_time?: string };
    finding_info: {
        first_seen_time?: number;
        last_seen_time?: number;
        types?: string[];
        data_sources: string[];
        attacks?: { tactic?: { uid?: string }; technique?: { uid?: string } }[];
        tags?: { name: string; value?: string; values?: string[] }[];
        analytic: { uid: string };
    };
    device: {
        uid: string;
        zone?: string;
        mac?: string;
        instance_uid?: string;
        network_interfaces?: { ip?: string; type_id: number; type: string }[];
    };
    cloud?: { provider: string; region?: string; zone?: string; account?: { uid: string; type_id: number } };
    vulnerabilities: {
        cve?: { uid: string; cvss?: { base_score: number; vendor_name: string }[]; epss?: { score: string } };
        advisory?: { uid: string };
        related_vulnerabilities?: string[];
        is_exploit_available?: boolean;
        exploit_type?: string;
    }[];
    unmapped: { qualys: { host: Record<string, unknown>; detection: Record<string, unknown> } };
}

type Delivered = Artifact<Record<string, unknown>>;

const findingsOf = (artifacts: readonly Delivered[]): Finding[] =>
    artifacts.filter(artifact => artifact.type === FINDING_TYPE).map(artifact => artifact.data as unknown as Finding);

/** The metadata value of a sandbox cloud host's attribute. */
function attribute(host: SyntheticHost, name: string): string | undefined {
    return host.cloud?.attributes.find(candidate => candidate.name === name)?.value;
}

describe('e2e: Qualys coverage beyond the peers (real-response shapes, cloud context, QDS, API 5.0)', function () {
    this.timeout(60_000);
    let e2e: E2eEnvironment | undefined;
    let artifacts: Delivered[];
    let findings: Finding[];

    before(async () => {
        e2e = await E2eEnvironment.start({
            sandbox: { hosts: 160, detectionsPerHost: 5, resultsSize: 0, seed: 5 },
            truncationLimit: 40,
            settings: { includeInformationGathered: true }
        });
        const result = await e2e.poll();
        expect(result.code, result.stdout + result.stderr).to.equal(0);
        artifacts = await e2e.artifacts();
        findings = findingsOf(artifacts);
    });

    after(async () => {
        await e2e?.close();
    });

    function host(uid: string): SyntheticHost {
        const tenant = e2e!.sandbox.tenant;
        return tenant.host(tenant.indexOfHost(Number(uid))!);
    }

    it('delivers every detection, each a valid OCSF 1.5.0 Vulnerability Finding', () => {
        expect(new Set(findingKeyList(artifacts))).to.deep.equal(e2e!.expectedKeys({ includeIgs: true }));
        expect(new Set(findings.map(f => f.finding_info.analytic.uid)).size).to.be.greaterThan(50);
        const { findings: checked, problems } = ocsfProblems(artifacts);
        expect(checked).to.equal(findings.length).and.to.be.greaterThan(700);
        expect(problems).to.deep.equal([]);
    });

    it('times a detection without dates by its host scan, never the epoch', () => {
        expect(findings.filter(f => f.time <= 0)).to.deep.equal([]);
        const dateless = findings.filter(f => f.finding_info.first_seen_time === undefined);
        expect(dateless.length).to.be.greaterThan(0);
        for (const finding of dateless) {
            expect(finding.finding_info.types).to.deep.equal(['Info']);
            expect(finding.time).to.equal(host(finding.device.uid).lastScanDatetime * 1000);
            expect(finding.metadata.original_time).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        }
    });

    it('keeps inverted first/last found as sent and labels exactly those findings', () => {
        const seen = findings.filter(
            f => f.finding_info.first_seen_time !== undefined && f.finding_info.last_seen_time !== undefined
        );
        const inverted = seen.filter(f => f.finding_info.first_seen_time! > f.finding_info.last_seen_time!);
        expect(inverted.length).to.be.greaterThan(0);
        for (const finding of seen) {
            const labelled = finding.metadata.labels?.includes('first_seen_after_last_seen') === true;
            expect(labelled).to.equal(inverted.includes(finding));
        }
    });

    it('maps AWS, Azure, GCP and Alibaba Cloud metadata to cloud and device, identically for every finding of a host', () => {
        const byHost = new Map<string, Finding[]>();
        for (const finding of findings)
            byHost.set(finding.device.uid, [...(byHost.get(finding.device.uid) ?? []), finding]);
        const providers = new Set<string>();
        for (const [uid, ofHost] of byHost) {
            const sandboxHost = host(uid);
            const devices = new Set(ofHost.map(f => JSON.stringify([f.device, f.cloud ?? null])));
            expect(devices.size, `host ${uid}: one device and cloud for all its findings`).to.equal(1);
            const [finding] = ofHost;
            if (sandboxHost.cloud === undefined) {
                expect(finding.cloud).to.equal(undefined);
                continue;
            }
            providers.add(sandboxHost.cloud.provider);
            expect(finding.cloud?.provider).to.equal(sandboxHost.cloud.provider);
            expect(finding.cloud?.region, `host ${uid}`).to.be.a('string').and.not.equal('');
            expect(finding.cloud?.account?.uid).to.be.a('string');
            expect(finding.device.mac).to.match(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i);
            const publicIp = finding.device.network_interfaces?.find(nic => nic.type === 'Public')?.ip;
            expect(publicIp, `host ${uid}`).to.be.a('string');
            if (sandboxHost.cloud.provider === 'AWS') {
                expect(finding.cloud?.region).to.equal(
                    attribute(sandboxHost, 'latest/dynamic/instance-identity/document/region')
                );
                expect(finding.cloud?.account).to.deep.include({ type_id: 10 });
                expect(publicIp).to.equal(attribute(sandboxHost, 'latest/meta-data/public-ipv4'));
            }
        }
        expect(providers).to.deep.equal(new Set(['AWS', 'Azure', 'GCP', 'Alibaba Cloud']));
    });

    it('keeps the raw metadata out of findings, once per cloud host in a qualys.host artifact', () => {
        const raw = artifacts.filter(
            a => a.type === FINDING_TYPE && JSON.stringify(a.data).includes('latest/meta-data')
        );
        expect(raw).to.deep.equal([]);
        const hostArtifacts = artifacts.filter(artifact => artifact.type === 'qualys.host');
        const cloudHosts = new Set(findings.filter(f => host(f.device.uid).cloud).map(f => f.device.uid));
        expect(hostArtifacts.map(a => String(a.data.hostId)).sort()).to.deep.equal([...cloudHosts].sort());
        for (const artifact of hostArtifacts) {
            const sandboxHost = host(String(artifact.data.hostId));
            const metadata = artifact.data.metadata as { source: string; attributes: { name: string }[] }[];
            expect(metadata[0].source).to.equal(sandboxHost.cloud?.block);
            expect(metadata[0].attributes.map(a => a.name)).to.deep.equal(
                sandboxHost.cloud?.attributes.map(a => a.name)
            );
            expect((artifact.data.cloudTags as unknown[]).length).to.equal(sandboxHost.cloud?.tags.length);
        }
    });

    it('names the zone after the network, leaves the default network out and drops empty containers', () => {
        for (const finding of findings) {
            const sandboxHost = host(finding.device.uid);
            if (sandboxHost.networkId === 0) expect(finding.device).not.to.have.property('zone');
            else expect(finding.device.zone).to.equal(sandboxHost.networkName);
            expect(finding.unmapped.qualys.host).not.to.have.property('ASSET_GROUP_LIST');
        }
        expect(findings.some(f => host(f.device.uid).emptyAssetGroupList)).to.equal(true);
    });

    it('maps QDS factors: EPSS, CVSS when the KnowledgeBase has none, maturity, CISA known-exploited, RTI', () => {
        const kb = e2e!.sandbox.tenant.kb;
        const withFactors = findings.filter(f => f.unmapped.qualys.detection.qdsFactors !== undefined);
        let qdsCvss = 0;
        for (const finding of withFactors) {
            const factors = finding.unmapped.qualys.detection.qdsFactors as Record<string, string>;
            const [vulnerability] = finding.vulnerabilities;
            if (vulnerability.cve) {
                expect(vulnerability.cve.epss).to.deep.equal({ score: factors.epss });
                if (kb.lacksCvss(kb.indexOf(Number(finding.finding_info.analytic.uid))!)) {
                    qdsCvss += 1;
                    expect(vulnerability.cve.cvss?.[0]).to.deep.include({ base_score: Number(factors.CVSS) });
                }
            } else {
                expect(vulnerability.advisory?.uid).to.equal(`QID-${finding.finding_info.analytic.uid}`);
            }
            const tags = new Map((finding.finding_info.tags ?? []).map(tag => [tag.name, tag]));
            expect(tags.has('cisa_known_exploited')).to.equal(factors.CISA_vuln === 'YES');
            if (factors.RTI) expect(tags.get('qualys_rti')?.values).to.deep.equal(factors.RTI.split(','));
            if (factors.exploit_maturity) expect(vulnerability.exploit_type).to.equal(factors.exploit_maturity);
            if (factors.CISA_vuln === 'YES' || factors.exploit_maturity === 'Weaponized') {
                expect(vulnerability.is_exploit_available).to.equal(true);
            }
        }
        expect(qdsCvss, 'findings whose CVSS came from QDS').to.be.greaterThan(0);
        expect(withFactors.some(f => f.finding_info.tags?.some(tag => tag.name === 'cisa_known_exploited'))).to.equal(
            true
        );
    });

    it('maps the API 5.0 fields: detection sources, MITRE ATT&CK, per-detection CVEs, TruRisk elimination', () => {
        const kb = e2e!.sandbox.tenant.kb;
        expect(new Set(findings.flatMap(f => f.finding_info.data_sources))).to.deep.equal(
            new Set(['Qualys VM host detection', 'Cloud Agent', 'Internal Scanner'])
        );
        expect(findings.some(f => f.finding_info.attacks?.[0]?.tactic?.uid?.startsWith('TA'))).to.equal(true);
        const subsets = findings.filter(f => {
            const cves = kb.cveIds(kb.indexOf(Number(f.finding_info.analytic.uid))!);
            const own = [f.vulnerabilities[0].cve?.uid, ...(f.vulnerabilities[0].related_vulnerabilities ?? [])];
            return f.vulnerabilities[0].cve !== undefined && own.length < cves.length;
        });
        expect(subsets.length, "findings listing the host's own subset of the QID's CVEs").to.be.greaterThan(0);
        const statuses = new Set(
            findings
                .filter(f => f.finding_info.types?.[0] !== 'Info' || f.unmapped.qualys.detection.status !== undefined)
                .map(f => f.unmapped.qualys.detection.truriskEliminationStatus)
        );
        expect(statuses).to.deep.equal(new Set(['OPEN', 'FIXED']));
    });
});
