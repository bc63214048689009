import { expect } from 'chai';
import { parseKnowledgeBase } from './knowledge-base-parser.js';
import { readFixture, rejection } from './xml-fixtures.spec.helper.js';

describe('parseKnowledgeBase', () => {
    it('maps the documented example', async () => {
        const result = await parseKnowledgeBase(await readFixture('kb-vulns.xml'));
        expect(result.responseDatetime).to.equal('2024-05-14T09:20:41Z');
        expect(result.warningUrl).to.equal(undefined);
        expect(result.vulns).to.have.length(1);
        expect(result.vulns[0]).to.deep.equal({
            qid: 38794,
            vulnType: 'Vulnerability',
            severityLevel: 3,
            title: 'Secure Sockets Layer/Transport Layer Security (SSL/TLS) Deprecated TLSv1.1 Protocol Detected',
            category: 'General remote services',
            lastServiceModified: '2024-03-02T12:01:15Z',
            published: '2020-03-31T20:48:19Z',
            patchable: false,
            software: [{ product: 'None', vendor: 'multi-vendor' }],
            cves: ['CVE-2011-3389'],
            diagnosis: 'The remote service accepts connections encrypted using TLS 1.1.<P>TLS 1.1 is deprecated.',
            consequence: 'An attacker may be able to exploit weaknesses in the protocol.',
            solution:
                'Disable TLS 1.1 and enable TLS 1.2 or later. ' +
                '<A HREF="https://example.invalid/advisory" TARGET="_blank">Advisory</A>',
            cvss: { base: 4.3, temporal: 3.7, vector: 'CVSS:2.0/AV:N/AC:M/Au:N/C:P/I:N/A:N/E:U/RL:W/RC:C' },
            cvssV3: {
                base: 5.9,
                temporal: 5.3,
                vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N/E:U/RL:W/RC:C',
                version: '3.1'
            },
            pciFlag: true,
            threatIntel: ['No_Patch'],
            vendorReferences: [],
            unmapped: {
                CVSS: { BASE: { $: { source: 'service' }, _: '4.3' } },
                DISCOVERY: { REMOTE: '1' }
            }
        });
    });

    it('handles many vs one, CDATA on its own line, internal whitespace and unknown elements', async () => {
        const { vulns } = await parseKnowledgeBase(await readFixture('kb-quirks.xml'));
        expect(vulns.map(vuln => vuln.qid)).to.deep.equal([91847, 6]);
        const [update, info] = vulns;
        expect(update.title).to.equal('Microsoft Windows Security Update for May 2024');
        expect(update.cves).to.deep.equal(['CVE-2024-30051', 'CVE-2024-30040']);
        expect(update.vendorReferences).to.deep.equal(['KB5037765', 'KB5037768']);
        expect(update.threatIntel).to.deep.equal(['Exploit_Public', 'Privilege_Escalation', 'Remote_Code_Execution']);
        expect(update.diagnosis).to.equal(
            'Line one.\n\tIndented with a tab.\n\nLast line with <B>HTML</B> &amp; an entity kept as sent.'
        );
        expect(update.cvss).to.deep.equal({
            base: 7.2,
            temporal: 6.3,
            vector: 'CVSS:2.0/AV:L/AC:L/Au:N/C:C/I:C/A:C/E:F/RL:OF/RC:C'
        });
        expect(update.cvssV3?.version).to.equal('3.1');
        expect(update).to.deep.include({ patchable: true, pciFlag: true, software: [] });
        expect(update.unmapped.CVSS).to.deep.equal({
            BASE: { $: { source: 'service' }, _: '7.2' },
            ACCESS: { VECTOR: '1', COMPLEXITY: '1' }
        });
        expect(update.unmapped.VENDOR_REFERENCE_LIST).to.deep.equal({
            VENDOR_REFERENCE: [
                { ID: 'KB5037765', URL: 'https://support.microsoft.com/help/5037765' },
                { ID: 'KB5037768', URL: 'https://support.microsoft.com/help/5037768' }
            ]
        });
        expect(update.unmapped).to.have.keys([
            'LAST_CUSTOMIZATION',
            'VENDOR_REFERENCE_LIST',
            'CORRELATION',
            'CVSS',
            'DISCOVERY'
        ]);
        expect(update.unmapped.DISCOVERY).to.deep.equal({
            REMOTE: '0',
            AUTH_TYPE_LIST: { AUTH_TYPE: 'Windows' },
            ADDITIONAL_INFO: 'Patch Detection'
        });
        expect(info).to.deep.include({ vulnType: 'Information Gathered', patchable: false, pciFlag: false });
        expect(info.software).to.deep.equal([
            { product: 'dns', vendor: 'multi-vendor' },
            { product: 'bind', vendor: 'isc' }
        ]);
        expect(info.cvss).to.deep.equal({ base: 0 });
        expect(info.cvssV3).to.equal(undefined);
        expect(info.cves).to.deep.equal([]);
    });

    it('reads a response without VULN_LIST (unknown QIDs) as no vulns', async () => {
        expect(await parseKnowledgeBase(await readFixture('kb-empty.xml'))).to.deep.equal({
            vulns: [],
            responseDatetime: '2024-05-14T09:20:41Z'
        });
    });

    it('reads a WARNING URL', async () => {
        const xml = (await readFixture('kb-empty.xml')).replace(
            '</RESPONSE>',
            '<WARNING><URL><![CDATA[https://qualysapi.qualys.com/api/2.0/fo/knowledge_base/vuln/' +
                '?action=list&amp;id_min=7]]></URL></WARNING></RESPONSE>'
        );
        const { warningUrl } = await parseKnowledgeBase(xml);
        expect(warningUrl).to.equal(
            'https://qualysapi.qualys.com/api/2.0/fo/knowledge_base/vuln/?action=list&id_min=7'
        );
    });

    it('throws the mapped error of a SIMPLE_RETURN', async () => {
        const error = await rejection(parseKnowledgeBase(await readFixture('simple-return-1960.xml')));
        expect(error).to.include({ kind: 'rate_limited', code: '1960', retryAfterMs: 20_000 });
        const parameter = await rejection(parseKnowledgeBase(await readFixture('simple-return-1905.xml')));
        expect(parameter).to.include({ kind: 'config', code: '1905' });
    });

    it('rejects HTML, other documents, non-XML and malformed XML as protocol errors', async () => {
        const html = await rejection(parseKnowledgeBase(await readFixture('html-error-page.xml')));
        expect(html.message).to.equal('response is not a Qualys KnowledgeBase document (root <html>)');
        expect(html.hint).to.contain('qualysapi.*');
        const other = await rejection(parseKnowledgeBase(await readFixture('hld-final-page.xml')));
        expect(other.message).to.contain('(root <HOST_LIST_VM_DETECTION_OUTPUT>)');
        expect((await rejection(parseKnowledgeBase('Bad Gateway'))).message).to.contain('(not XML)');
        expect((await rejection(parseKnowledgeBase(''))).message).to.contain('(empty body)');
        const truncated = (await readFixture('kb-vulns.xml')).slice(0, 900);
        const malformed = await rejection(parseKnowledgeBase(truncated));
        expect(malformed.kind).to.equal('protocol');
        expect(malformed.message).to.match(/^malformed XML at line \d+, column \d+ in the KnowledgeBase response: /);
    });

    it('refuses a document that declares entities, and never expands one', async () => {
        const xml = (await readFixture('kb-vulns.xml'))
            .replace(
                /<!DOCTYPE[^>]*>/,
                '<!DOCTYPE KNOWLEDGE_BASE_VULN_LIST_OUTPUT [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            )
            .replace('<CATEGORY>General remote services</CATEGORY>', '<CATEGORY>&xxe;</CATEGORY>');
        const error = await rejection(parseKnowledgeBase(xml));
        expect(error.kind).to.equal('protocol');
        expect(error.message).to.match(
            /^refused the KnowledgeBase response at line 2, column \d+: .*declares its own DTD/
        );
    });
});
