import { expect } from 'chai';
import { QualysSandbox } from './qualys-sandbox.js';
import { call, parseXml, SCAN_PATH } from './test-client.spec.helper.js';

interface ScanView {
    ref: string;
    state: string;
    launched: string;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    raw: any;
}

async function scans(sandbox: QualysSandbox, params: Record<string, string | number> = {}): Promise<ScanView[]> {
    const res = await call(sandbox, '/api/3.0/fo/scan/', { action: 'list', ...params });
    expect(res.status).to.equal(200);
    const doc = await parseXml(res.body);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (doc.SCAN_LIST_OUTPUT.RESPONSE[0].SCAN_LIST?.[0].SCAN ?? []).map((scan: any) => ({
        ref: scan.REF[0],
        state: scan.STATUS?.[0].STATE[0],
        launched: scan.LAUNCH_DATETIME[0],
        raw: scan
    }));
}

describe('scan list endpoint', () => {
    let sandbox: QualysSandbox;

    beforeEach(async () => {
        sandbox = await QualysSandbox.start({ hosts: 5, scans: 14, username: 'acme_ab12' });
    });

    afterEach(async () => {
        await sandbox.close();
    });

    it('lists the last 30 days by default, newest first, with the documented fields', async () => {
        const list = await scans(sandbox);
        const all = await scans(sandbox, { launched_after_datetime: '2000-01-01' });
        expect(list.length).to.be.lessThan(all.length);
        const cutoff = sandbox.tenant.nowSec() - 30 * 86_400;
        expect(list.every(scan => Date.parse(scan.launched) / 1000 >= cutoff)).to.equal(true);
        expect(list.map(s => s.launched)).to.deep.equal([...list.map(s => s.launched)].sort().reverse());
        const scan = list[0].raw;
        for (const field of [
            'REF',
            'TYPE',
            'TITLE',
            'USER_LOGIN',
            'LAUNCH_DATETIME',
            'DURATION',
            'PROCESSED',
            'STATUS',
            'TARGET'
        ]) {
            expect(scan, field).to.have.property(field);
        }
        expect(scan.USER_LOGIN[0]).to.equal('acme_ab12');
        expect(list[0].ref).to.match(/^scan\/\d+\.\d+$/);
        expect(scan).not.to.have.property('OPTION_PROFILE');
        const detailed = await scans(sandbox, { show_ags: 1, show_op: 1 });
        expect(detailed[0].raw).to.have.property('OPTION_PROFILE');
        expect(detailed.some(s => s.raw.ASSET_GROUP_TITLE_LIST)).to.equal(true);
    });

    it('moves scans through their states on advance and filters by state and launch date', async () => {
        const running = await scans(sandbox, { state: 'Running' });
        expect(running).to.have.length(1);
        expect(running[0].raw.DURATION[0]).to.equal('Running');
        const before = sandbox.tenant
            .now()
            .toISOString()
            .replace(/\.\d{3}Z$/, 'Z');
        sandbox.tenant.advance({ scanLaunches: 2 });
        const finished = await scans(sandbox, { state: 'Finished' });
        const previouslyRunning = finished.find(s => s.ref === running[0].ref);
        expect(previouslyRunning).to.not.equal(undefined);
        expect(previouslyRunning!.raw.PROCESSED[0]).to.equal('1');
        expect(previouslyRunning!.raw.DURATION[0]).to.match(/^(\d+ days? )?\d{2}:\d{2}:\d{2}$/);
        const launched = await scans(sandbox, { launched_after_datetime: before });
        expect(launched.map(s => s.state).sort()).to.deep.equal(['Queued', 'Running']);
        const mixed = await scans(sandbox, { state: 'Running,Queued' });
        expect(mixed.every(s => s.state === 'Running' || s.state === 'Queued')).to.equal(true);
        sandbox.tenant.advance({ scanLaunches: 0 });
        expect(await scans(sandbox, { state: 'Queued' })).to.deep.equal([]);
    });

    it('serves /api/2.0 too', async () => {
        expect((await call(sandbox, SCAN_PATH, { action: 'list' })).status).to.equal(200);
    });
});
