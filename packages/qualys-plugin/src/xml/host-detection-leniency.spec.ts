import { expect } from 'chai';
import { chunked, parseAll, readFixture } from './xml-fixtures.spec.helper.js';

/** The one-host fixture with `xml` added after the detection's STATUS, parsed whole and byte by byte. */
async function withDetectionXml(xml: string, edit: (document: string) => string = document => document) {
    const document = edit(
        (await readFixture('hld-one-host.xml')).replace('<STATUS>New</STATUS>', `<STATUS>New</STATUS>${xml}`)
    );
    const whole = await parseAll(chunked(document, 1 << 20));
    const bytewise = await parseAll(chunked(document, 1));
    expect(bytewise, 'same result byte by byte').to.deep.equal(whole);
    return whole;
}

async function results(text: string, edit?: (document: string) => string): Promise<string | undefined> {
    const { hosts, error } = await withDetectionXml(`<RESULTS>${text}</RESULTS>`, edit);
    expect(error).to.equal(undefined);
    return hosts[0].detections[0].results;
}

describe('HostDetectionParser leniency', () => {
    it('keeps unknown entities and bare ampersands as text, even right before a tag', async () => {
        expect(await results('a &foo; b & c &; &xxe; R&D&amp;T AT&T')).to.equal(
            'a &foo; b & c &; &xxe; R&D&amp;T AT&T'
        );
        expect(await results('<![CDATA[x]]>AT&T')).to.equal('xAT&T');
    });

    it('keeps a bare ampersand in an attribute value', async () => {
        const { hosts } = await withDetectionXml('<QDS_FACTORS><QDS_FACTOR name="AT&T">1</QDS_FACTOR></QDS_FACTORS>');
        expect(hosts[0].detections[0].qdsFactors).to.deep.equal({ CVSS: '5.0', 'AT&T': '1' });
    });

    it('decodes HTML named entities, also written in capitals', async () => {
        expect(await results('a&nbsp;b &eacute;&Eacute;&EACUTE; &trade; &AMP; &LT;')).to.equal('a\u00a0b éÉé ™ & <');
    });

    it('reads character references in any case and with leading zeros, dropping forbidden characters', async () => {
        expect(await results('&#65;&#x42;&#X43;&#0068; a&#1;b&#x1f;c &#xD800; &#12abc;')).to.equal(
            'ABCD abc &#xD800; &#12abc;'
        );
    });

    it('keeps entity-like text in CDATA as sent', async () => {
        expect(await results('<![CDATA[AT&T &foo; &#1; &nbsp;]]>')).to.equal('AT&T &foo; &#1; &nbsp;');
    });

    it('keeps carriage returns inside values', async () => {
        expect(await results('line 1\r\nline 2\rline 3')).to.equal('line 1\r\nline 2\rline 3');
        expect(await results('<![CDATA[line 1\r\nline 2]]>\r\n<![CDATA[line 3]]>')).to.equal(
            'line 1\r\nline 2\r\nline 3'
        );
    });

    it('reads a document with CRLF line ends', async () => {
        const { hosts, error } = await withDetectionXml('', document => document.replace(/\n/g, '\r\n'));
        expect(error).to.equal(undefined);
        expect(hosts[0].host.tags).to.deep.equal([{ id: '9001', name: 'Only Tag' }]);
    });

    it('tolerates noncharacters, ]]> in text, space before the XML declaration and XML 1.1', async () => {
        const edit = (document: string) => `\n  ${document.replace('version="1.0"', 'version="1.1"')}`;
        expect(await results('a\uFFFEb\uFFFF ]]> \u0085\u2028.', edit)).to.equal('a\uFFFEb\uFFFF ]]> \u0085\u2028.');
    });

    it('does not complete an element whose close tag is wrong', async () => {
        const { hosts, error } = await withDetectionXml('', document => document.replace('</HOST>', '</HOSTS>'));
        expect(hosts).to.deep.equal([]);
        expect(error?.message).to.equal('malformed XML at line 30, column 14 after 0 hosts: Unexpected close tag');
    });
});
