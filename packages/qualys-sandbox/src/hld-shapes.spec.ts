import { expect } from 'chai';
import { QualysSandbox } from './qualys-sandbox.js';
import { call, HLD_PATH, parseXml, simpleReturn } from './test-client.spec.helper.js';

const HLD_V5_PATH = '/api/5.0/fo/asset/host/vm/detection/';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Xml = any;

async function hosts(sandbox: QualysSandbox, path: string, params: Record<string, string | number>): Promise<Xml[]> {
    const res = await call(sandbox, path, { action: 'list', truncation_limit: 0, ...params });
    expect(res.status, res.body).to.equal(200);
    const doc = await parseXml(res.body);
    return doc.HOST_LIST_VM_DETECTION_OUTPUT.RESPONSE[0].HOST_LIST[0].HOST;
}

function detectionsOf(list: Xml[]): Xml[] {
    return list.flatMap(host => host.DETECTION_LIST[0].DETECTION);
}

describe('HLD endpoint: the shapes of real responses', () => {
    let sandbox: QualysSandbox;

    before(async () => {
        sandbox = await QualysSandbox.start({ hosts: 120, detectionsPerHost: 6, resultsSize: 0, seed: 11 });
    });

    after(async () => {
        await sandbox.close();
    });

    it('sends cloud metadata of AWS, Azure, GCP and Alibaba Cloud hosts only with host_metadata', async () => {
        const plain = await hosts(sandbox, HLD_PATH, {});
        expect(plain.filter(host => host.METADATA)).to.deep.equal([]);
        const all = await hosts(sandbox, HLD_PATH, { host_metadata: 'all', show_cloud_tags: 1 });
        const blocks = all.flatMap(host => Object.keys(host.METADATA?.[0] ?? {}));
        expect(new Set(blocks)).to.deep.equal(new Set(['EC2', 'AZURE', 'GOOGLE', 'ALICLOUD']));
        const ec2 = all.find(host => host.METADATA?.[0].EC2);
        const names = ec2.METADATA[0].EC2[0].ATTRIBUTE.map((attribute: Xml) => attribute.NAME[0]);
        expect(names).to.include.members([
            'latest/dynamic/instance-identity/document/region',
            'latest/dynamic/instance-identity/document/accountId',
            'latest/meta-data/mac',
            'latest/meta-data/public-ipv4'
        ]);
        const statuses = ec2.METADATA[0].EC2[0].ATTRIBUTE.map((attribute: Xml) => attribute.LAST_STATUS[0]);
        expect(statuses).to.include('Error');
        expect(ec2.CLOUD_PROVIDER_TAGS[0].CLOUD_TAG.map((tag: Xml) => tag.NAME[0])).to.deep.equal(['Name', 'team']);
        const providers = new Set(all.filter(host => host.CLOUD_PROVIDER).map(host => host.CLOUD_PROVIDER[0]));
        expect(providers).to.deep.equal(new Set(['AWS', 'Azure', 'GCP', 'Alibaba Cloud']));

        const ec2Only = await hosts(sandbox, HLD_PATH, { host_metadata: 'ec2' });
        expect(new Set(ec2Only.flatMap(host => Object.keys(host.METADATA?.[0] ?? {})))).to.deep.equal(new Set(['EC2']));
        const refused = await call(sandbox, HLD_PATH, { action: 'list', host_metadata: 'oracle' });
        expect((await simpleReturn(refused.body)).code).to.equal(1905);
    });

    it('names networks, sends empty ASSET_GROUP_LISTs, inverted first/last found and dateless detections', async () => {
        const list = await hosts(sandbox, HLD_PATH, { show_igs: 1 });
        const names = new Set(list.map(host => `${host.NETWORK_ID[0]}=${host.NETWORK_NAME[0]}`));
        expect(names).to.include('0=Global Default Network');
        expect([...names].some(name => !name.startsWith('0='))).to.equal(true);
        expect(list.some(host => host.ASSET_GROUP_LIST?.[0] === '')).to.equal(true);
        const detections = detectionsOf(list);
        const inverted = detections.filter(
            d => d.FIRST_FOUND_DATETIME && d.FIRST_FOUND_DATETIME[0] > d.LAST_FOUND_DATETIME[0]
        );
        expect(inverted.length).to.be.greaterThan(0);
        const dateless = detections.filter(d => !d.STATUS && !d.LAST_UPDATE_DATETIME && !d.FIRST_FOUND_DATETIME);
        expect(dateless.length).to.be.greaterThan(0);
        expect(dateless.every(d => d.TYPE[0] === 'Info')).to.equal(true);
    });

    it('sends CISA, RTI, exploit maturity and CVSS vector QDS factors', async () => {
        const detections = detectionsOf(await hosts(sandbox, HLD_PATH, { show_qds: 1, show_qds_factors: 1 }));
        const names = new Set(
            detections.flatMap(d => (d.QDS_FACTORS?.[0].QDS_FACTOR ?? []).map((factor: Xml) => factor.$.name))
        );
        expect(names).to.include.members(['CVSS', 'CVSS_vector', 'epss', 'exploit_maturity', 'RTI', 'CISA_vuln']);
    });

    it('adds the 5.0 detection fields on /api/5.0/ only', async () => {
        const v2 = detectionsOf(await hosts(sandbox, HLD_PATH, {}));
        expect(v2.filter(d => d.VULNERABILITY_DETECTION_SOURCES)).to.deep.equal([]);
        const v5 = detectionsOf(await hosts(sandbox, HLD_V5_PATH, {}));
        expect(v5.every(d => d.VULNERABILITY_DETECTION_SOURCES && d.TRURISK_ELIMINATION_STATUS)).to.equal(true);
        expect(v5.some(d => d.CVE_LIST?.[0].CVE.length > 0)).to.equal(true);
        expect(v5.some(d => d.MITRE_TACTIC_ID && d.MITRE_TECHNIQUE_NAME)).to.equal(true);
        const sources = new Set(v5.map(d => d.VULNERABILITY_DETECTION_SOURCES[0]));
        expect(sources).to.include('Cloud Agent,Internal Scanner');
    });
});
