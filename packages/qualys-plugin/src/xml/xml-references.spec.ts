import { expect } from 'chai';
import { NAMED_ENTITIES } from './html-entities.js';
import { textOf, tokenize } from './xml-tokenizer.spec.helper.js';

/** The attributes of the root element of `xml`, as the tokenizer reads them. */
function attributesOf(xml: string): unknown {
    const open = tokenize(xml).events[1];
    return JSON.parse(open.slice(open.indexOf(' ') + 1, -1));
}

describe('references and line ends in text', () => {
    it('reads well-formed XML as XML says', () => {
        const xml = '<?xml version="1.0"?>\n<A b="x &amp; y">t &lt; &#65;&#x42; &nbsp;<![CDATA[c]]><!-- c --></A>\n';
        expect(attributesOf(xml)).to.deep.equal({ b: 'x & y' });
        expect(textOf(xml)).to.equal('t < AB \u00a0c');
    });

    it('keeps a bare ampersand, also right before a tag or a closing quote', () => {
        expect(textOf('<A>AT&T Inc & co</A>')).to.equal('AT&T Inc & co');
        expect(textOf('<A>AT&T</A>')).to.equal('AT&T');
        expect(attributesOf('<A b="AT&T"/>')).to.deep.equal({ b: 'AT&T' });
        expect(textOf('<A>&#38 x</A>')).to.equal('&#38 x');
    });

    it('keeps unknown and empty references as text', () => {
        expect(textOf('<A>&foo; &xxe; &; &constructor;</A>')).to.equal('&foo; &xxe; &; &constructor;');
    });

    it('keeps the character after a bare reference as text, like sax, when it is another ampersand', () => {
        expect(textOf('<A>R&D&amp;T</A>')).to.equal('R&D&amp;T');
    });

    it('decodes XML and HTML entities, also those written in capitals', () => {
        expect(textOf('<A>&nbsp;&Eacute;&trade;</A>')).to.equal('\u00a0É™');
        expect(textOf('<A>&NBSP;&AMP;&EACUTE;</A>')).to.equal('\u00a0&é');
    });

    it('reads character references as sax does: any case, leading zeros, forbidden characters removed', () => {
        expect(textOf('<A>&#65;&#x41;&#0065;&#X41;&#x0041;</A>')).to.equal('AAAAA');
        expect(textOf('<A>a&#1;b&#x1F;c&#0;d</A>')).to.equal('abcd');
        expect(textOf('<A>&#xD800;&#x110000;&#12abc;&#;</A>')).to.equal('&#xD800;&#x110000;&#12abc;&#;');
    });

    it('leaves CDATA sections, comments and processing instructions alone', () => {
        expect(textOf('<A><![CDATA[AT&T &foo; ]] > ]]><!-- R&D &bar; --><?pi a&b ?></A>')).to.equal('AT&T &foo; ]] > ');
    });

    it('keeps carriage returns in text and CDATA, but not in tags or blank text', () => {
        expect(textOf('<A>x\r\ny\rz</A>')).to.equal('x\r\ny\rz');
        expect(textOf('<A><![CDATA[x\r\ny]]></A>')).to.equal('x\r\ny');
        expect(textOf('<A><![CDATA[x]]>\r\n<![CDATA[y]]></A>')).to.equal('x\r\ny');
        expect(textOf('<A>x<!-- c -->\r\ny<?p?>\r</A>')).to.equal('x\r\ny\r');
        const blank = '<?xml version="1.0"?>\r\n<A\r\n b="1\r\n2\t3">\r\n  <B/><!-- c -->\r\n</A>\r\n';
        expect(textOf(blank)).to.equal('\n  \n');
        expect(attributesOf(blank)).to.deep.equal({ b: '1 2 3' });
    });

    it('gives the same text however the input is split', () => {
        const xml =
            '<?xml version="1.0"?>\r\n<!DOCTYPE A SYSTEM "a.dtd">\n<A b="AT&T &NBSP;">x &foo; AT&T &#X41;\r\n' +
            '<![CDATA[c & ]] ]]]>\r\n<!-- & - -->&Eacute;&#1;<?pi & ? ?>R&D&amp;T &a' +
            'b;cd\r\n</A>\r\n';
        const whole = textOf(xml);
        expect(whole).to.equal('x &foo; AT&T A\r\nc & ]] ]\r\nÉR&D&amp;T &ab;cd\r\n');
        for (let size = 1; size <= 24; size += 1) expect(textOf(xml, size), `pieces of ${size}`).to.equal(whole);
    });

    it('reads a long run of name characters after an ampersand as text', () => {
        const name = 'a'.repeat(100);
        expect(textOf(`<A>&${name};</A>`, 7)).to.equal(`&${name};`);
    });

    it('decodes the 248 HTML 4 entities besides XML five', () => {
        expect(Object.keys(NAMED_ENTITIES)).to.have.length(253);
        expect(NAMED_ENTITIES).to.include({ amp: '&', nbsp: '\u00a0', eacute: 'é', Eacute: 'É', euro: '€' });
        expect(NAMED_ENTITIES).to.include({ diams: '\u2666', thetasym: '\u03d1', zwj: '\u200d', yuml: 'ÿ' });
    });
});
