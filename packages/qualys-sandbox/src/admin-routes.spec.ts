import { expect } from 'chai';
import { QualysSandbox } from './qualys-sandbox.js';
import type { ExpectedDetection } from './synthetic-tenant.js';
import { call, HLD_PATH, readAllPages } from './test-client.spec.helper.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function admin(
    sandbox: QualysSandbox,
    method: string,
    path: string,
    body?: unknown
): Promise<{ status: number; json: Json }> {
    const res = await fetch(`${sandbox.url}/__sandbox/${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    });
    return { status: res.status, json: await res.json() };
}

describe('admin routes', () => {
    let sandbox: QualysSandbox;

    beforeEach(async () => {
        sandbox = await QualysSandbox.start({ hosts: 25, detectionsPerHost: 5 });
    });

    afterEach(async () => {
        await sandbox.close();
    });

    it('reports state without credentials', async () => {
        const { status, json } = await admin(sandbox, 'GET', 'state');
        expect(status).to.equal(200);
        expect(json).to.include({
            url: sandbox.url,
            hosts: 25,
            detectionsPerHost: 5,
            now: '2024-05-14T08:00:00Z',
            advances: 0
        });
        expect(json.requests).to.deep.equal({ hld: 0, kb: 0, scans: 0, hosts: 0, about: 0, auth: 0 });
        expect(json.tokens).to.deep.equal({ lifetimeSec: 14400, issued: 0, rejected: 0, basicAuth: true });
        expect(json.limits.hld).to.include({ limit: 300, windowSec: 3600, concurrency: 2 });
    });

    it('advances the tenant and serves matching expectations', async () => {
        const before = sandbox.tenant
            .now()
            .toISOString()
            .replace(/\.\d{3}Z$/, 'Z');
        const advanced = await admin(sandbox, 'POST', 'advance', { hours: 3, rescanFraction: 0.5 });
        expect(advanced.json).to.include({ advance: 1, previous: before, now: '2024-05-14T11:00:00Z' });
        const expected = await admin(
            sandbox,
            'GET',
            `expected?vm_processed_after=${before}&status=New,Active,Fixed,Re-Opened`
        );
        expect(expected.json.count).to.equal(expected.json.detections.length);
        expect(expected.json.detections).to.deep.equal([
            ...sandbox.tenant.expectedDetections({ vmProcessedAfter: before })
        ]);
        const pulled = await readAllPages(sandbox, { action: 'list', vm_processed_after: before, truncation_limit: 3 });
        expect(pulled.keys).to.deep.equal(expected.json.detections as ExpectedDetection[]);
        expect((await admin(sandbox, 'POST', 'advance', '')).json.advance).to.equal(2);
        expect((await admin(sandbox, 'POST', 'advance', { hours: 'x' })).status).to.equal(400);
        expect((await admin(sandbox, 'GET', 'expected?bogus=1')).json).to.include({ code: 1901 });
    });

    it('injects, lists and clears faults', async () => {
        const injected = await admin(sandbox, 'POST', 'faults', {
            type: 'simple-return',
            code: 2001,
            text: 'This account has expired.',
            endpoint: 'hld'
        });
        expect(injected.status).to.equal(201);
        expect((await admin(sandbox, 'GET', 'faults')).json.pending).to.have.length(1);
        expect((await call(sandbox, HLD_PATH, { action: 'list' })).body).to.contain('<CODE>2001</CODE>');
        await admin(sandbox, 'POST', 'faults', { type: 'server-error', times: 3 });
        expect((await admin(sandbox, 'DELETE', 'faults')).json).to.deep.equal({ cleared: 1 });
        expect((await call(sandbox, HLD_PATH, { action: 'list' })).status).to.equal(200);
        expect((await admin(sandbox, 'POST', 'faults', { type: 'explode' })).status).to.equal(400);
        expect((await admin(sandbox, 'POST', 'faults', '{not json')).status).to.equal(400);
    });

    it('exposes and clears the request log and the limits', async () => {
        await call(sandbox, HLD_PATH, { action: 'list', truncation_limit: 2 });
        await call(sandbox, '/api/2.0/fo/knowledge_base/vuln/', { action: 'list', ids: '1' });
        const all = await admin(sandbox, 'GET', 'requests');
        expect(all.json.map((r: { endpoint: string }) => r.endpoint)).to.deep.equal(['hld', 'kb']);
        const hld = await admin(sandbox, 'GET', 'requests?endpoint=hld');
        expect(hld.json).to.have.length(1);
        expect(hld.json[0]).to.deep.include({
            status: 200,
            hostsWritten: 2,
            completed: true,
            params: { action: 'list', truncation_limit: '2' }
        });
        expect(sandbox.requests.count('hld')).to.equal(1);
        await admin(sandbox, 'DELETE', 'requests');
        expect(sandbox.requests.count()).to.equal(0);
        expect((await admin(sandbox, 'GET', 'limits')).json.hld.used).to.equal(1);
        expect((await admin(sandbox, 'DELETE', 'limits')).json.hld.used).to.equal(0);
        expect((await admin(sandbox, 'GET', 'nothing-here')).status).to.equal(404);
    });
});
