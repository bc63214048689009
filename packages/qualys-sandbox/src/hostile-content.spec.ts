import { expect } from 'chai';
import { FaultInjector } from './fault-injector.js';
import { ENTITY_PAYLOAD } from './hostile-content.js';
import { QualysSandbox } from './qualys-sandbox.js';
import { call, HLD_PATH, KB_PATH, SCAN_PATH } from './test-client.spec.helper.js';

const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('hostile responses', () => {
    let sandbox: QualysSandbox;

    beforeEach(async () => {
        sandbox = await QualysSandbox.start({ hosts: 30, detectionsPerHost: 4, resultsSize: 100 });
    });

    afterEach(async () => {
        await sandbox.close();
    });

    const page = (params: Record<string, string | number> = {}) =>
        call(sandbox, HLD_PATH, { action: 'list', truncation_limit: 10, ...params });

    it('entity-declarations: an internal subset of chained entities, one host, no WARNING; then normal again', async () => {
        sandbox.faults.inject({ type: 'entity-declarations', endpoint: 'hld' });
        const hostile = await page();
        expect(hostile.status).to.equal(200);
        expect(hostile.body).to.match(/<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT \[\n {2}<!ENTITY lol0 /);
        expect(hostile.body).to.contain(`<!ENTITY lol0 "${ENTITY_PAYLOAD}">`);
        expect(hostile.body).to.contain(`<!ENTITY lol9 "${'&lol8;'.repeat(10)}">`);
        expect(hostile.body).to.contain('<COMMENT>&lol9;</COMMENT>');
        expect(count(hostile.body, '<HOST>')).to.equal(1);
        expect(hostile.body).to.not.contain('<WARNING>');
        expect(hostile.body.trimEnd().endsWith('-->')).to.equal(true);

        const normal = await page();
        expect(count(normal.body, '<HOST>')).to.equal(10);
        expect(normal.body).to.contain('<WARNING>').and.not.contain('<!ENTITY');
        expect(sandbox.requests.first('hld')).to.include({ fault: 'entity-declarations', completed: true });
    });

    it('external-entity: a SYSTEM entity pointing at /etc/passwd, referenced in the host', async () => {
        sandbox.faults.inject({ type: 'external-entity', endpoint: 'hld' });
        const { body } = await page();
        expect(body).to.contain('<!ENTITY lol9 SYSTEM "file:///etc/passwd">');
        expect(body).to.not.contain('root:x:0');
        expect(count(body, '<HOST>')).to.equal(1);
    });

    it('deep-nesting: nested elements inside the first host, all closed, the page otherwise whole', async () => {
        sandbox.faults.inject({ type: 'deep-nesting', endpoint: 'hld', depth: 5000 });
        const { body } = await page();
        expect(count(body, '<N>')).to.equal(5000);
        expect(count(body, '</N>')).to.equal(5000);
        expect(count(body, '<HOST>')).to.equal(10);
        expect(body.indexOf('<NESTED>')).to.be.lessThan(body.indexOf('<HOST>', body.indexOf('<HOST>') + 1));
    });

    it('huge-text: the first RESULTS becomes a text node of the size asked for, streamed', async () => {
        sandbox.faults.inject({ type: 'huge-text', endpoint: 'hld', sizeMb: 3 });
        const { body } = await page();
        const start = body.indexOf('<RESULTS>') + '<RESULTS>'.length;
        const end = body.indexOf('</RESULTS>', start);
        expect(end - start).to.equal(3 * 1024 * 1024);
        expect(body.slice(start, end)).to.not.contain('<');
        expect(count(body, '<HOST>')).to.equal(10);
        expect(body).to.contain('<WARNING>');
    });

    it('huge-skipped: an unknown element of the size asked for, in RESPONSE, before the records, on any list', async () => {
        sandbox.faults.inject({ type: 'huge-skipped', endpoint: 'kb', sizeMb: 2 });
        sandbox.faults.inject({ type: 'huge-skipped', endpoint: 'scans', sizeMb: 1 });
        const kb = await call(sandbox, KB_PATH, { action: 'list', ids: '1-200000' });
        const block = kb.body.slice(kb.body.indexOf('<UNKNOWN_BLOCK>'), kb.body.indexOf('</UNKNOWN_BLOCK>'));
        expect(block.length - '<UNKNOWN_BLOCK>'.length).to.equal(2 * 1024 * 1024);
        expect(kb.body.indexOf('</UNKNOWN_BLOCK>')).to.be.lessThan(kb.body.indexOf('<VULN_LIST>'));
        const scans = await call(sandbox, SCAN_PATH, { action: 'list' });
        expect(scans.body).to.contain('<UNKNOWN_BLOCK>');
    });

    it('refuses a huge-text fault for an API without RESULTS', () => {
        expect(() => FaultInjector.validate({ type: 'huge-text', endpoint: 'kb' })).to.throw(TypeError, 'endpoint hld');
        expect(() => FaultInjector.validate({ type: 'deep-nesting', depth: -1 })).to.throw(TypeError, 'depth');
    });
});
