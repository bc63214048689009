import { expect } from 'chai';
import { QualysSandbox } from './qualys-sandbox.js';
import { call, KB_PATH, parseXml, simpleReturn } from './test-client.spec.helper.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function vulns(body: string): Promise<any[]> {
    return (await parseXml(body)).KNOWLEDGE_BASE_VULN_LIST_OUTPUT.RESPONSE[0].VULN_LIST?.[0].VULN ?? [];
}

describe('KnowledgeBase endpoint', () => {
    let sandbox: QualysSandbox;

    before(async () => {
        sandbox = await QualysSandbox.start({ hosts: 20, detectionsPerHost: 8, rateLimit: { limit: 1000 } });
    });

    after(async () => {
        await sandbox.close();
    });

    it('returns requested QIDs (lists and ranges) in ascending order and skips unknown ones', async () => {
        const qids = [...sandbox.tenant.kb.qids];
        const ids = `${qids[10]},${qids[3]},${qids[20]}-${qids[22]},1,2-5`;
        const list = await vulns((await call(sandbox, KB_PATH, { action: 'list', ids, details: 'All' })).body);
        expect(list.map(v => Number(v.QID[0]))).to.deep.equal([qids[3], qids[10], qids[20], qids[21], qids[22]]);
        const none = await parseXml((await call(sandbox, KB_PATH, { action: 'list', ids: '1-5' })).body);
        expect(Object.keys(none.KNOWLEDGE_BASE_VULN_LIST_OUTPUT.RESPONSE[0])).to.deep.equal(['DATETIME']);
    });

    it('serves every QID that appears in host detections', async () => {
        const seen = new Set(
            [
                ...sandbox.tenant.expectedDetections({ includeIgs: true, includeDisabled: true, includeIgnored: true })
            ].map(k => k.qid)
        );
        const list = await vulns(
            (await call(sandbox, KB_PATH, { action: 'list', ids: [...seen].join(',') }, { form: { details: 'Basic' } }))
                .body
        );
        expect(new Set(list.map(v => Number(v.QID[0])))).to.deep.equal(seen);
    });

    it('writes the documented VULN fields, with HTML inside CDATA for details=All only', async () => {
        const all = await vulns((await call(sandbox, KB_PATH, { action: 'list', details: 'All' })).body);
        expect(all).to.have.length(sandbox.tenant.kb.qids.length);
        const vuln = all.find(v => v.CVE_LIST && v.CVSS && v.VENDOR_REFERENCE_LIST);
        for (const field of [
            'QID',
            'VULN_TYPE',
            'SEVERITY_LEVEL',
            'TITLE',
            'CATEGORY',
            'LAST_SERVICE_MODIFICATION_DATETIME',
            'PUBLISHED_DATETIME',
            'PATCHABLE',
            'SOFTWARE_LIST',
            'DIAGNOSIS',
            'CONSEQUENCE',
            'SOLUTION',
            'CVSS',
            'CVSS_V3',
            'PCI_FLAG',
            'DISCOVERY'
        ]) {
            expect(vuln, field).to.have.property(field);
        }
        expect(vuln.CVSS[0].BASE[0].$).to.deep.equal({ source: 'service' });
        expect(vuln.SOLUTION[0]).to.contain('<A HREF=');
        expect(all.some(v => v.THREAT_INTELLIGENCE)).to.equal(true);
        expect(all.some(v => v.VULN_TYPE[0] === 'Information Gathered')).to.equal(true);
        const basic = await vulns(
            (await call(sandbox, KB_PATH, { action: 'list', details: 'Basic', ids: vuln.QID[0] })).body
        );
        expect(basic[0]).not.to.have.property('DIAGNOSIS');
        expect(basic[0]).to.have.property('CVSS');
        const ids = await parseXml(
            (await call(sandbox, KB_PATH, { action: 'list', details: 'None', id_min: 1, id_max: 40000 })).body
        );
        const idSet = ids.KNOWLEDGE_BASE_VULN_LIST_OUTPUT.RESPONSE[0].ID_SET[0].ID.map(Number);
        expect(idSet).to.deep.equal([...sandbox.tenant.kb.qids].filter(q => q <= 40000));
    });

    it('filters by last_modified_after, which picks up QIDs modified by an advance', async () => {
        const before = sandbox.tenant
            .now()
            .toISOString()
            .replace(/\.\d{3}Z$/, 'Z');
        const empty = await vulns((await call(sandbox, KB_PATH, { action: 'list', last_modified_after: before })).body);
        expect(empty).to.deep.equal([]);
        const { modifiedQids } = sandbox.tenant.advance({ kbModifications: 4 });
        expect(modifiedQids).to.have.length(4);
        const changed = await vulns(
            (await call(sandbox, KB_PATH, { action: 'list', last_modified_after: before })).body
        );
        expect(changed.map(v => Number(v.QID[0]))).to.deep.equal(modifiedQids);
        for (const vuln of changed)
            expect(Date.parse(vuln.LAST_SERVICE_MODIFICATION_DATETIME[0])).to.be.greaterThan(Date.parse(before));
        const byDate = await vulns(
            (await call(sandbox, KB_PATH, { action: 'list', last_modified_after: before.slice(0, 10) })).body
        );
        expect(byDate.length).to.be.at.least(4);
    });

    it('rejects bad ids (1905) and unknown parameters (1901)', async () => {
        const bad = await call(sandbox, KB_PATH, { action: 'list', ids: '12,x7' });
        expect(bad.status).to.equal(400);
        expect(await simpleReturn(bad.body)).to.include({
            code: 1905,
            text: 'parameter ids has invalid value: 12,x7 (neither a positive integer nor a range: x7)'
        });
        const unknown = await call(sandbox, KB_PATH, { action: 'list', truncation_limit: 5 });
        expect(await simpleReturn(unknown.body)).to.include({
            code: 1901,
            text: 'Unrecognized parameter(s): truncation_limit'
        });
        const details = await call(sandbox, KB_PATH, { action: 'list', details: 'Everything' });
        expect((await simpleReturn(details.body)).code).to.equal(1905);
    });
});
