import { expect } from 'chai';
import { QualysSandbox } from './qualys-sandbox.js';
import { call, callUrl, parseXml, simpleReturn } from './test-client.spec.helper.js';

const HOST_LIST_PATH = '/api/5.0/fo/asset/host/';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Xml = any;

/** The ids of an ID_SET, ranges expanded, and the next page's URL. */
async function idPage(body: string): Promise<{ ids: number[]; next?: string; ranges: number }> {
    const response = (await parseXml(body)).HOST_LIST_OUTPUT.RESPONSE[0];
    const set = response.ID_SET?.[0] ?? {};
    const ids: number[] = (set.ID ?? []).map(Number);
    for (const range of set.ID_RANGE ?? []) {
        const [from, to] = String(range).split('-').map(Number);
        for (let id = from; id <= to; id++) ids.push(id);
    }
    return {
        ids: ids.sort((a, b) => a - b),
        next: response.WARNING?.[0].URL?.[0],
        ranges: (set.ID_RANGE ?? []).length
    };
}

describe('Host List endpoint and purges', () => {
    let sandbox: QualysSandbox;

    beforeEach(async () => {
        sandbox = await QualysSandbox.start({ hosts: 140, detectionsPerHost: 2, resultsSize: 0, seed: 4 });
    });

    afterEach(async () => {
        await sandbox.close();
    });

    async function allIds(
        params: Record<string, string | number>
    ): Promise<{ ids: number[]; pages: number; ranges: number }> {
        let res = await call(sandbox, HOST_LIST_PATH, { action: 'list', details: 'None', ...params });
        const ids: number[] = [];
        let pages = 0;
        let ranges = 0;
        for (;;) {
            expect(res.status, res.body).to.equal(200);
            const page = await idPage(res.body);
            ids.push(...page.ids);
            pages += 1;
            ranges += page.ranges;
            if (page.next === undefined) return { ids, pages, ranges };
            res = await callUrl(sandbox, page.next);
        }
    }

    it('pages every host id with details=None, in ascending order, as IDs and ID_RANGEs', async () => {
        const { ids, pages, ranges } = await allIds({ truncation_limit: 50 });
        const expected = Array.from({ length: 140 }, (_, index) => sandbox.tenant.hostIdAt(index));
        expect(ids).to.deep.equal(expected);
        expect(pages).to.equal(3);
        expect(ranges, 'consecutive ids come as ranges').to.be.greaterThan(0);
        const next = new URL(
            (
                await idPage(
                    (await call(sandbox, HOST_LIST_PATH, { action: 'list', details: 'None', truncation_limit: 50 }))
                        .body
                )
            ).next!
        );
        expect(next.searchParams.get('id_min')).to.equal(String(expected[49] + 1));
        expect(next.searchParams.get('details')).to.equal('None');
    });

    it('drops purged hosts from the host list and host detections, and brings them back on restore', async () => {
        const purged = [sandbox.tenant.hostIdAt(3), sandbox.tenant.hostIdAt(77)];
        expect(sandbox.tenant.purge([...purged, 1])).to.deep.equal(purged);
        const { ids } = await allIds({ truncation_limit: 0 });
        expect(ids).to.have.length(138);
        expect(ids).not.to.include.members(purged);
        expect([...sandbox.tenant.expectedDetections({})].some(d => purged.includes(d.hostId))).to.equal(false);
        expect(sandbox.tenant.state().purgedHosts).to.equal(2);

        const restored = await fetch(`${sandbox.url}/__sandbox/restore`, {
            method: 'POST',
            body: JSON.stringify({ hostIds: [purged[0]] })
        });
        expect(await restored.json()).to.deep.equal({ restored: [purged[0]] });
        expect((await allIds({ truncation_limit: 0 })).ids)
            .to.include(purged[0])
            .and.not.include(purged[1]);
    });

    it('purges through the admin route and answers basic details and bad values like Qualys', async () => {
        const id = sandbox.tenant.hostIdAt(0);
        const purge = await fetch(`${sandbox.url}/__sandbox/purge`, {
            method: 'POST',
            body: JSON.stringify({ hostIds: [id] })
        });
        expect(await purge.json()).to.deep.equal({ purged: [id] });
        expect(
            (await fetch(`${sandbox.url}/__sandbox/purge`, { method: 'POST', body: '{"hostIds":"x"}' })).status
        ).to.equal(400);

        const basic = await call(sandbox, HOST_LIST_PATH, { action: 'list', truncation_limit: 2 });
        const hosts: Xml[] = (await parseXml(basic.body)).HOST_LIST_OUTPUT.RESPONSE[0].HOST_LIST[0].HOST;
        expect(hosts.map(host => Number(host.ID[0]))).to.deep.equal([
            sandbox.tenant.hostIdAt(1),
            sandbox.tenant.hostIdAt(2)
        ]);
        expect(hosts[0].IP[0]).to.match(/^10\./);
        const bad = await call(sandbox, HOST_LIST_PATH, { action: 'list', details: 'Everything' });
        expect((await simpleReturn(bad.body)).code).to.equal(1905);
        expect(sandbox.requests.count('hosts')).to.equal(2);
    });
});
