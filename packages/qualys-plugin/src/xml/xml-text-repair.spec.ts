import { expect } from 'chai';
import { NAMED_ENTITIES } from './html-entities.js';
import { documentRootName } from './xml-element.js';
import { XmlTextRepair } from './xml-text-repair.js';

/** Repairs `text` written in pieces of `size` characters. */
function repaired(text: string, size = text.length): string {
    const repair = new XmlTextRepair();
    let output = '';
    for (let offset = 0; offset < text.length; offset += size)
        output += repair.write(text.slice(offset, offset + size));
    return output + repair.end();
}

describe('XmlTextRepair', () => {
    it('passes well-formed XML through unchanged', () => {
        const xml = '<?xml version="1.0"?>\n<A b="x &amp; y">t &lt; &#65;&#x42; &nbsp;<![CDATA[c]]><!-- c --></A>\n';
        expect(repaired(xml)).to.equal(xml);
    });

    it('escapes a bare ampersand, also right before a tag or a closing quote', () => {
        expect(repaired('<A>AT&T Inc & co</A>')).to.equal('<A>AT&amp;T Inc &amp; co</A>');
        expect(repaired('<A>AT&T</A>')).to.equal('<A>AT&amp;T</A>');
        expect(repaired('<A b="AT&T"/>')).to.equal('<A b="AT&amp;T"/>');
        expect(repaired('<A>&#38 x</A>')).to.equal('<A>&amp;#38 x</A>');
    });

    it('keeps unknown and empty references as text', () => {
        expect(repaired('<A>&foo; &xxe; &; &constructor;</A>')).to.equal(
            '<A>&amp;foo; &amp;xxe; &amp;; &amp;constructor;</A>'
        );
    });

    it('keeps the character after a bare reference as text, like sax, when it is another ampersand', () => {
        expect(repaired('<A>R&D&amp;T</A>')).to.equal('<A>R&amp;D&amp;amp;T</A>');
    });

    it('leaves XML and HTML entities to the parser and lower-cases those written in capitals', () => {
        expect(repaired('<A>&nbsp;&Eacute;&trade;</A>')).to.equal('<A>&nbsp;&Eacute;&trade;</A>');
        expect(repaired('<A>&NBSP;&AMP;&EACUTE;</A>')).to.equal('<A>&nbsp;&amp;&eacute;</A>');
    });

    it('reads character references as sax does: any case, leading zeros, forbidden characters removed', () => {
        expect(repaired('<A>&#65;&#x41;&#0065;&#X41;&#x0041;</A>')).to.equal('<A>&#65;&#x41;&#0065;&#65;&#x0041;</A>');
        expect(repaired('<A>a&#1;b&#x1F;c&#0;d</A>')).to.equal('<A>abcd</A>');
        expect(repaired('<A>&#xD800;&#x110000;&#12abc;&#;</A>')).to.equal(
            '<A>&amp;#xD800;&amp;#x110000;&amp;#12abc;&amp;#;</A>'
        );
    });

    it('leaves CDATA sections, comments and processing instructions alone', () => {
        const xml = '<A><![CDATA[AT&T &foo; ]] > ]]><!-- R&D &bar; --><?pi a&b ?></A>';
        expect(repaired(xml)).to.equal(xml);
    });

    it('keeps carriage returns in text and CDATA, but not in tags or blank text', () => {
        expect(repaired('<A>x\r\ny\rz</A>')).to.equal('<A>x&#13;\ny&#13;z</A>');
        expect(repaired('<A><![CDATA[x\r\ny]]></A>')).to.equal('<A><![CDATA[x]]>&#13;<![CDATA[\ny]]></A>');
        expect(repaired('<A><![CDATA[x]]>\r\n<![CDATA[y]]></A>')).to.equal('<A><![CDATA[x]]>&#13;\n<![CDATA[y]]></A>');
        expect(repaired('<A>x<!-- c -->\r\ny<?p?>\r</A>')).to.equal('<A>x<!-- c -->&#13;\ny<?p?>&#13;</A>');
        const blank = '<?xml version="1.0"?>\r\n<A\r\n b="1">\r\n  <B/><!-- c -->\r\n</A>\r\n';
        expect(repaired(blank)).to.equal(blank);
    });

    it('gives the same text however the input is split', () => {
        const xml =
            '<?xml version="1.0"?>\r\n<!DOCTYPE A SYSTEM "a.dtd">\n<A b="AT&T &NBSP;">x &foo; AT&T &#X41;\r\n' +
            '<![CDATA[c & ]] ]]]>\r\n<!-- & - -->&Eacute;&#1;<?pi & ? ?>R&D&amp;T &a' +
            'b;cd\r\n</A>\r\n';
        const whole = repaired(xml);
        for (let size = 1; size <= 24; size += 1) expect(repaired(xml, size), `pieces of ${size}`).to.equal(whole);
    });

    it('does not hold back an endless run of name characters', () => {
        const repair = new XmlTextRepair();
        const name = 'a'.repeat(100);
        expect(repair.write(`<A>&${name}`)).to.equal(`<A>&amp;${name}`);
        expect(repair.write(';</A>') + repair.end()).to.equal(';</A>');
    });

    it('decodes the 248 HTML 4 entities besides XML five', () => {
        expect(Object.keys(NAMED_ENTITIES)).to.have.length(253);
        expect(NAMED_ENTITIES).to.include({ amp: '&', nbsp: '\u00a0', eacute: 'é', Eacute: 'É', euro: '€' });
        expect(NAMED_ENTITIES).to.include({ diams: '\u2666', thetasym: '\u03d1', zwj: '\u200d', yuml: 'ÿ' });
    });
});

describe('documentRootName', () => {
    it('reads the root after whitespace before the XML declaration and a 1.1 declaration', () => {
        expect(documentRootName('\n  <?xml version="1.1"?>\n<!-- c --><ROOT a="1"><B/></ROOT>')).to.equal('ROOT');
        expect(documentRootName('not xml')).to.equal(undefined);
    });
});
