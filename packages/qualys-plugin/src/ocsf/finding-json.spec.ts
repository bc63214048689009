import { Readable } from 'node:stream';
import { artifactJson } from '@signal-connectors/connector-sdk';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import { expect } from 'chai';
import type { KbSummary, ParsedHost } from '../model/index.js';
import { HostDetectionParser, parseKnowledgeBase } from '../xml/index.js';
import { toKbSummary } from './knowledge-base-artifact.js';
import { mapDetection, VulnerabilityFindingMapper } from './vulnerability-finding-mapper.js';

const SOURCE = { connector: 'signal-client.qualys', instance: 'render-check' };

/** One GET of the sandbox API, as the connector sends it (Basic auth, X-Requested-With). */
async function get(sandbox: QualysSandbox, path: string): Promise<string> {
    const { username, password } = sandbox.credentials;
    const response = await fetch(`${sandbox.url}${path}`, {
        headers: {
            Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
            'X-Requested-With': 'finding-json.spec'
        }
    });
    expect(response.status, path).to.equal(200);
    return response.text();
}

/** A fresh copy, so no mapping made before can be reused for it: the way findings were made before sharing. */
function copy<T>(value: T): T {
    return structuredClone(value);
}

/*
 * Before sharing, every finding was built whole and serialised with JSON.stringify. Now the device and the
 * vulnerability parts are built once per host and per QID, and the finding's text is rendered once with those parts
 * spliced in. Both must give the same content on the same tenant.
 */
describe('host detection findings rendered with shared parts', () => {
    let sandbox: QualysSandbox;
    let hosts: ParsedHost[];
    let kb: Map<number, KbSummary>;

    before(async () => {
        // Cloud hosts, tags, IPv6, QIDs with and without CVEs: a tenant of every shape the generator makes.
        sandbox = await QualysSandbox.start({ hosts: 40, detectionsPerHost: 12, resultsSize: 120, seed: 7 });
        const xml = await get(
            sandbox,
            '/api/2.0/fo/asset/host/vm/detection/?action=list&truncation_limit=0&show_qds=1&show_qds_factors=1' +
                '&show_tags=1&show_asset_id=1&show_reopened_info=1&status=New,Active,Re-Opened,Fixed'
        );
        hosts = [];
        for await (const parsed of new HostDetectionParser(Readable.from([xml])).hosts()) hosts.push(parsed);
        const qids = [...new Set(hosts.flatMap(parsed => parsed.detections.map(detection => detection.qid)))];
        // Some QIDs left out of the KnowledgeBase, as Qualys leaves out those it does not know.
        const known = qids.filter((_, index) => index % 5 !== 0);
        const kbXml = await get(
            sandbox,
            `/api/2.0/fo/knowledge_base/vuln/?action=list&details=All&ids=${known.join(',')}`
        );
        kb = new Map((await parseKnowledgeBase(kbXml)).vulns.map(vuln => [vuln.qid, toKbSummary(vuln)]));
    });

    after(() => sandbox.close());

    it('gives every finding the JSON a finding built whole gives, byte for byte', () => {
        let findings = 0;
        for (const { host, detections } of hosts) {
            for (const detection of detections) {
                const summary = kb.get(detection.qid);
                const rendered = artifactJson(mapDetection(host, detection, summary, SOURCE));
                const whole = mapDetection(copy(host), copy(detection), summary && copy(summary), SOURCE);
                const expected = JSON.stringify(whole);
                expect(JSON.parse(rendered), `host ${host.id} QID ${detection.qid}`).to.deep.equal(
                    JSON.parse(expected)
                );
                expect(rendered).to.equal(expected);
                findings += 1;
            }
        }
        expect(findings).to.be.greaterThan(400);
        expect(kb.size).to.be.greaterThan(0);
    });

    it('builds the device once per host and the vulnerability once per QID', () => {
        const mapper = new VulnerabilityFindingMapper(SOURCE);
        const [{ host, detections }] = hosts;
        const part = mapper.host(host);
        const [first, second] = detections
            .slice(0, 2)
            .map(detection => mapper.map(part, detection, kb.get(detection.qid)));
        expect(second.data.device).to.equal(first.data.device);
        // The KnowledgeBase QID found on most hosts, and its findings.
        const occurrences = hosts.flatMap(parsed =>
            parsed.detections.filter(d => kb.has(d.qid)).map(detection => ({ host: parsed.host, detection }))
        );
        const counts = new Map<number, number>();
        for (const { detection } of occurrences) counts.set(detection.qid, (counts.get(detection.qid) ?? 0) + 1);
        const [qid, count] = [...counts].sort((a, b) => b[1] - a[1])[0];
        expect(count).to.be.greaterThan(2);
        const same = occurrences.filter(({ detection }) => detection.qid === qid);
        const lists = new Set(
            same.map(
                ({ host: owner, detection }) =>
                    mapper.map(mapper.host(owner), detection, kb.get(qid)).data.vulnerabilities
            )
        );
        // One list per set of inputs the vulnerability is made of (severity, QDS factors, CVEs), not one per finding.
        const variants = new Set(
            same.map(({ detection }) =>
                JSON.stringify([detection.severity, detection.qdsFactors, detection.cves ?? null])
            )
        );
        expect(lists.size).to.equal(variants.size);
        expect(lists.size).to.be.lessThan(same.length);
    });

    it('leaves the text out of copies, so a changed copy is serialised anew', () => {
        const [{ host, detections }] = hosts;
        const finding = mapDetection(host, detections[0], kb.get(detections[0].qid), SOURCE);
        const changed = { ...finding, type: 'changed' };
        expect(JSON.parse(artifactJson(changed)).type).to.equal('changed');
        expect(Object.keys(finding)).to.deep.equal(['id', 'type', 'time', 'source', 'data']);
    });
});
