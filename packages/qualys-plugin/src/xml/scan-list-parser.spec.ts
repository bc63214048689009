import { expect } from 'chai';
import { parseScanList } from './scan-list-parser.js';
import { readFixture, rejection } from './xml-fixtures.spec.helper.js';

describe('parseScanList', () => {
    it('maps the documented example', async () => {
        const { scans, responseDatetime } = await parseScanList(await readFixture('scan-list.xml'));
        expect(responseDatetime).to.equal('2024-05-14T09:00:12Z');
        expect(scans).to.deep.equal([
            {
                ref: 'scan/1715637600.41277',
                type: 'Scheduled',
                title: 'Weekly Internal - DC1',
                userLogin: 'acme_ab12',
                launchDatetime: '2024-05-13T22:00:00Z',
                duration: '01:41:09',
                processingPriority: '0 - No Priority',
                processed: true,
                state: 'Finished',
                target: '10.20.0.0-10.20.15.255',
                assetGroups: ['DC1 Servers'],
                optionProfile: { title: 'Authenticated Full Scan', isDefault: false },
                unmapped: {}
            },
            {
                ref: 'scan/1715668211.41390',
                type: 'API',
                title: 'Ad-hoc edge check',
                userLogin: 'acme_ab12',
                launchDatetime: '2024-05-14T06:30:11Z',
                duration: 'Running',
                processed: false,
                state: 'Running',
                target: '10.20.7.5',
                assetGroups: [],
                unmapped: {}
            }
        ]);
    });

    it('reads ids, sub-states, several asset groups and keeps CLIENT under unmapped', async () => {
        const { scans } = await parseScanList(await readFixture('scan-list-quirks.xml'));
        expect(scans).to.have.length(1);
        expect(scans[0]).to.deep.include({
            id: '31201',
            scanType: 'Scanner',
            type: 'On-Demand',
            title: 'Quarterly   PCI  - DC1',
            duration: '1 days 02:11:09',
            state: 'Finished',
            subState: 'No_Vuln',
            target: '10.20.0.1, 10.20.0.2',
            assetGroups: ['PCI Scope', 'DC1 Servers'],
            optionProfile: { title: 'Payment Card Industry (PCI) Options', isDefault: true }
        });
        expect(scans[0].unmapped).to.deep.equal({ CLIENT: { ID: '4', NAME: 'Acme Retail' } });
    });

    it('reads an empty scan list', async () => {
        const xml =
            '<SCAN_LIST_OUTPUT><RESPONSE><DATETIME>2024-05-14T09:00:12Z</DATETIME></RESPONSE></SCAN_LIST_OUTPUT>';
        expect(await parseScanList(xml)).to.deep.equal({ scans: [], responseDatetime: '2024-05-14T09:00:12Z' });
    });

    it('throws the mapped error of a SIMPLE_RETURN, including one served with HTTP 200', async () => {
        const expired = await rejection(parseScanList(await readFixture('simple-return-2001.xml')));
        expect(expired).to.include({
            kind: 'auth',
            code: '2001',
            message: 'Qualys error 2001: This account has expired.'
        });
        const internal = await rejection(parseScanList(await readFixture('generic-return-999.xml')));
        expect(internal).to.include({ kind: 'transient', code: '999' });
    });

    it('rejects other documents and malformed XML as protocol errors', async () => {
        const html = await rejection(parseScanList(await readFixture('html-error-page.xml')));
        expect(html).to.include({
            kind: 'protocol',
            message: 'response is not a Qualys scan list document (root <html>)'
        });
        const malformed = await rejection(parseScanList('<SCAN_LIST_OUTPUT><RESPONSE></SCAN_LIST_OUTPUT>'));
        expect(malformed.kind).to.equal('protocol');
        expect(malformed.message).to.contain('malformed XML');
    });

    it('rejects a SCAN without REF', async () => {
        const xml =
            '<SCAN_LIST_OUTPUT><RESPONSE><SCAN_LIST><SCAN><TYPE>API</TYPE></SCAN></SCAN_LIST>' +
            '</RESPONSE></SCAN_LIST_OUTPUT>';
        expect((await rejection(parseScanList(xml))).message).to.equal('Qualys sent a SCAN without a REF');
    });
});
