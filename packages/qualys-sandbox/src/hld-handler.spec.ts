import { expect } from 'chai';
import { QualysSandbox } from './qualys-sandbox.js';
import { CDATA_TRAP_LINE } from './results-corpus.js';
import { call, callUrl, HLD_PATH, readAllPages, readHldPage, simpleReturn } from './test-client.spec.helper.js';

describe('HLD endpoint', () => {
    let sandbox: QualysSandbox;

    beforeEach(async () => {
        sandbox = await QualysSandbox.start({ hosts: 45, detectionsPerHost: 6, resultsSize: 200, seed: 7 });
    });

    afterEach(async () => {
        await sandbox.close();
    });

    it('pages through the whole tenant and returns exactly expectedDetections({})', async () => {
        const { keys, pages } = await readAllPages(sandbox, { action: 'list', truncation_limit: 7 });
        const expected = [...sandbox.tenant.expectedDetections({})];
        expect(expected.length).to.be.greaterThan(100);
        expect(keys).to.deep.equal(expected);
        const hosts = new Set(expected.map(key => key.hostId)).size;
        expect(pages).to.have.length(Math.ceil(hosts / 7));
        expect(pages.slice(0, -1).every(page => page.hostIds.length === 7)).to.equal(true);
        expect(pages.at(-1)!.nextUrl).to.equal(undefined);
    });

    it('ends a truncated page with a 1980 WARNING whose URL keeps the params and sets id_min = last id + 1', async () => {
        const res = await call(sandbox, HLD_PATH, {
            action: 'list',
            truncation_limit: 5,
            show_tags: 1,
            status: 'New,Active,Re-Opened,Fixed'
        });
        const page = await readHldPage(res.body);
        const warning = page.doc.HOST_LIST_VM_DETECTION_OUTPUT.RESPONSE[0].WARNING[0];
        expect(warning.CODE[0]).to.equal('1980');
        expect(warning.TEXT[0]).to.equal('5 record limit exceeded. Use URL to get next batch of results.');
        const next = new URL(page.nextUrl!);
        expect(`${next.origin}${next.pathname}`).to.equal(sandbox.url + HLD_PATH);
        expect(next.searchParams.get('id_min')).to.equal(String(page.hostIds[4] + 1));
        expect(next.searchParams.get('show_tags')).to.equal('1');
        expect(next.searchParams.get('status')).to.equal('New,Active,Re-Opened,Fixed');
        expect(page.nextUrl).to.match(/&id_min=\d+$/);
        const second = await readHldPage((await callUrl(sandbox, page.nextUrl!)).body);
        expect(second.hostIds[0]).to.be.greaterThan(page.hostIds[4]);
        expect(sandbox.requests.last('hld')!.params.id_min).to.equal(String(page.hostIds[4] + 1));
    });

    it('honours id_min, id_max and ids', async () => {
        const ids = [...sandbox.tenant.expectedDetections({})].map(key => key.hostId);
        const unique = [...new Set(ids)];
        const page = await readHldPage(
            (await call(sandbox, HLD_PATH, { action: 'list', id_min: unique[3], id_max: unique[6] })).body
        );
        expect(page.hostIds).to.deep.equal(unique.slice(3, 7));
        const list = await readHldPage(
            (await call(sandbox, HLD_PATH, { action: 'list', ids: `${unique[1]},${unique[8]}-${unique[9]}` })).body
        );
        expect(list.hostIds).to.deep.equal([unique[1], unique[8], unique[9]]);
    });

    it('pages within an id_max: the WARNING URL keeps it, and the range ends without a WARNING', async () => {
        const unique = [...new Set([...sandbox.tenant.expectedDetections({})].map(key => key.hostId))];
        const params = { action: 'list', id_max: unique[4], truncation_limit: 3 };
        const first = await readHldPage((await call(sandbox, HLD_PATH, params)).body);
        expect(first.hostIds).to.deep.equal(unique.slice(0, 3));
        expect(new URL(first.nextUrl!).searchParams.get('id_max')).to.equal(String(unique[4]));
        const second = await readHldPage((await callUrl(sandbox, first.nextUrl!)).body);
        expect(second.hostIds).to.deep.equal(unique.slice(3, 5));
        expect(second.nextUrl).to.equal(undefined);
    });

    it('returns only re-scanned hosts for vm_processed_after after an advance', async () => {
        const before = sandbox.tenant.now();
        const result = sandbox.tenant.advance({ hours: 1, rescanFraction: 0.3 });
        expect(result.rescannedHosts).to.be.greaterThan(3);
        const after = before.toISOString().replace(/\.\d{3}Z$/, 'Z');
        const { keys, pages } = await readAllPages(sandbox, {
            action: 'list',
            vm_processed_after: after,
            status: 'New,Active,Re-Opened,Fixed',
            truncation_limit: 4
        });
        expect(keys).to.deep.equal([...sandbox.tenant.expectedDetections({ vmProcessedAfter: before })]);
        expect(new Set(keys.map(k => k.hostId)).size).to.equal(result.rescannedHosts);
        const lastScans = pages.flatMap(p =>
            p.doc.HOST_LIST_VM_DETECTION_OUTPUT.RESPONSE[0].HOST_LIST[0].HOST.map(
                (h: { LAST_SCAN_DATETIME: string[] }) => h.LAST_SCAN_DATETIME[0]
            )
        );
        expect(new Set(lastScans)).to.deep.equal(
            new Set([
                sandbox.tenant
                    .now()
                    .toISOString()
                    .replace(/\.\d{3}Z$/, 'Z')
            ])
        );
    });

    it('filters by status, IGs, severities and qids consistently with expectedDetections', async () => {
        const res = await call(sandbox, HLD_PATH, {
            action: 'list',
            status: 'Fixed,Re-Opened',
            show_igs: 1,
            truncation_limit: 0
        });
        const page = await readHldPage(res.body);
        expect(page.keys).to.deep.equal([
            ...sandbox.tenant.expectedDetections({ statuses: ['Fixed', 'Re-Opened'], includeIgs: true })
        ]);
        // Some information-gathered detections come without STATUS and dates, as in older real responses.
        expect(
            page.keys.every(k => k.status === 'Fixed' || k.status === 'Re-Opened' || k.status === undefined)
        ).to.equal(true);
        const igs = await readHldPage(
            (await call(sandbox, HLD_PATH, { action: 'list', show_igs: 1, truncation_limit: 0 })).body
        );
        const types = igs.doc.HOST_LIST_VM_DETECTION_OUTPUT.RESPONSE[0].HOST_LIST[0].HOST.flatMap(
            (h: { DETECTION_LIST: { DETECTION: { TYPE: string[] }[] }[] }) =>
                h.DETECTION_LIST[0].DETECTION.map(d => d.TYPE[0])
        );
        expect(types).to.include('Info');
        const sev = await readHldPage(
            (await call(sandbox, HLD_PATH, { action: 'list', severities: '4-5', truncation_limit: 0 })).body
        );
        expect(sev.keys).to.deep.equal([...sandbox.tenant.expectedDetections({ severities: [4, 5] })]);
    });

    it('merges a POST form body with the query string and echoes both in the WARNING URL', async () => {
        const res = await call(
            sandbox,
            HLD_PATH,
            { action: 'list' },
            { form: { truncation_limit: 3, show_asset_id: 1 } }
        );
        const page = await readHldPage(res.body);
        expect(page.hostIds).to.have.length(3);
        expect(page.doc.HOST_LIST_VM_DETECTION_OUTPUT.RESPONSE[0].HOST_LIST[0].HOST[0].ASSET_ID).to.have.length(1);
        expect(new URL(page.nextUrl!).searchParams.get('truncation_limit')).to.equal('3');
        expect(sandbox.requests.last('hld')).to.include({ method: 'POST', hostsWritten: 3 });
    });

    it('records the bytes of each body it streamed', async () => {
        const res = await call(sandbox, HLD_PATH, { action: 'list', truncation_limit: 2 });
        expect(res.status).to.equal(200);
        expect(sandbox.requests.last('hld')?.bodyBytes).to.equal(Buffer.byteLength(res.body));
    });

    it('writes the real document shape: DOCTYPE, CDATA, keep-alive and trailing comments, chunked encoding', async () => {
        const res = await call(sandbox, HLD_PATH, { action: 'list', truncation_limit: 0 });
        expect(res.headers.get('transfer-encoding')).to.equal('chunked');
        expect(res.headers.get('content-length')).to.equal(null);
        expect(res.body).to.match(
            /^<\?xml version="1.0" encoding="UTF-8" \?>\n<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "http[^"]+\.dtd">/
        );
        expect(res.body).to.contain('<!-- keep-alive for HOST_LIST_VM_DETECTION_OUTPUT -->');
        expect(res.body).to.match(/<\/HOST_LIST_VM_DETECTION_OUTPUT>\n<!-- CONFIDENTIAL AND PROPRIETARY/);
        expect(res.body).to.match(/<OS>\n\s+<!\[CDATA\[/);
        expect(res.body).to.contain('<EXTENDED_ATTRIBUTES>');
        // `]]>` inside RESULTS must be split across two CDATA sections and read back intact.
        expect(res.body).to.contain(']]]]><![CDATA[>');
        const page = await readHldPage(res.body);
        const results = page.doc.HOST_LIST_VM_DETECTION_OUTPUT.RESPONSE[0].HOST_LIST[0].HOST.flatMap(
            (h: { DETECTION_LIST: { DETECTION: { RESULTS: string[] }[] }[] }) =>
                h.DETECTION_LIST[0].DETECTION.map(d => d.RESULTS[0])
        );
        expect(results.some((text: string) => text.includes(CDATA_TRAP_LINE))).to.equal(true);
        expect(results.some((text: string) => text.includes('\t') && text.includes('\n'))).to.equal(true);
    });

    it('adds optional blocks only when asked', async () => {
        const plain = await call(sandbox, HLD_PATH, { action: 'list', truncation_limit: 0 });
        for (const tag of ['<QDS ', '<QDS_FACTORS>', '<TAGS>', '<ASSET_ID>', '<FIRST_REOPENED_DATETIME>'])
            expect(plain.body).not.to.contain(tag);
        const rich = await call(sandbox, HLD_PATH, {
            action: 'list',
            truncation_limit: 0,
            show_qds: 1,
            show_qds_factors: 1,
            show_tags: 1,
            show_asset_id: 1,
            show_reopened_info: 1
        });
        for (const tag of ['<QDS severity=', '<QDS_FACTOR name="CVSS">', '<TAGS>', '<ASSET_ID>', '<TIMES_REOPENED>'])
            expect(rich.body).to.contain(tag);
        const bare = await call(sandbox, HLD_PATH, { action: 'list', truncation_limit: 0, show_results: 0 });
        expect(bare.body).not.to.contain('<RESULTS>');
    });

    it('answers an empty match with RESPONSE/DATETIME only', async () => {
        const res = await call(sandbox, HLD_PATH, { action: 'list', ids: '1-5' });
        const response = (await readHldPage(res.body)).doc.HOST_LIST_VM_DETECTION_OUTPUT.RESPONSE[0];
        expect(Object.keys(response)).to.deep.equal(['DATETIME']);
    });

    it('serves every API version path and 404s unknown paths with HTML', async () => {
        for (const version of ['2.0', '3.0', '4.0', '5.0']) {
            expect(
                (
                    await call(sandbox, `/api/${version}/fo/asset/host/vm/detection/`, {
                        action: 'list',
                        truncation_limit: 1
                    })
                ).status
            ).to.equal(200);
        }
        const missing = await call(sandbox, '/api/2.0/fo/asset/host/vm/detections/', { action: 'list' });
        expect(missing.status).to.equal(404);
        expect(missing.headers.get('content-type')).to.contain('text/html');
    });

    it('rejects unknown parameters (1901), a missing action (1903) and bad values (1905)', async () => {
        const unknown = await call(sandbox, HLD_PATH, { action: 'list', bogus: 1, other_one: 2 });
        expect(unknown.status).to.equal(400);
        expect(await simpleReturn(unknown.body)).to.include({
            code: 1901,
            text: 'Unrecognized parameter(s): bogus,other_one'
        });
        const noAction = await call(sandbox, HLD_PATH, { truncation_limit: 1 });
        expect((await simpleReturn(noAction.body)).code).to.equal(1903);
        const badIds = await call(sandbox, HLD_PATH, { action: 'list', ids: 'abc123' });
        expect(badIds.status).to.equal(400);
        expect(await simpleReturn(badIds.body)).to.include({
            code: 1905,
            text: 'parameter ids has invalid value: abc123 (neither a positive integer nor a range: abc123)'
        });
        const badDate = await call(sandbox, HLD_PATH, { action: 'list', vm_processed_after: '2024-13-01' });
        expect((await simpleReturn(badDate.body)).code).to.equal(1905);
        const csv = await call(sandbox, HLD_PATH, { action: 'list', output_format: 'CSV' });
        expect((await simpleReturn(csv.body)).code).to.equal(1905);
    });

    it('accepts date-only filter values', async () => {
        const res = await call(sandbox, HLD_PATH, {
            action: 'list',
            vm_processed_after: '2024-05-01',
            truncation_limit: 0
        });
        expect((await readHldPage(res.body)).keys).to.deep.equal([
            ...sandbox.tenant.expectedDetections({ vmProcessedAfter: '2024-05-01' })
        ]);
    });
});
