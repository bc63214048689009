import { expect } from 'chai';
import { createXmlParser } from './sax-input.js';
import { TokenLengthGuard } from './token-length-guard.js';

/** Runs `xml` through a guard in pieces of `size` characters; what came out, and what was refused. */
function guarded(xml: string, size: number, maxRun = 10, maxMarkup = 40): { out: string; guard: TokenLengthGuard } {
    const guard = new TokenLengthGuard(maxRun, maxMarkup);
    let out = '';
    for (let offset = 0; offset < xml.length; offset += size) out += guard.write(xml.slice(offset, offset + size));
    return { out: out + guard.end(), guard };
}

/** The text and CDATA events saxes reports for the guard's output, each with the length the guard says it had. */
function events(xml: string, size: number): string[] {
    const guard = new TokenLengthGuard(10, 40);
    const parser = createXmlParser();
    const seen: string[] = [];
    const report = (text: string): void => {
        const cut = guard.takeCut(parser.position);
        if (text.trim() !== '') seen.push(cut === undefined ? text : `${text}(${cut.originalLength})`);
    };
    parser.on('text', report);
    parser.on('cdata', report);
    for (let offset = 0; offset < xml.length; offset += size)
        parser.write(guard.write(xml.slice(offset, offset + size)));
    parser.write(guard.end()).close();
    return seen;
}

describe('TokenLengthGuard', () => {
    const document =
        '<?xml version="1.0"?>\n<!DOCTYPE R SYSTEM "r.dtd">\n<R a="x>y"><A>short</A><B>0123456789abcdef</B>' +
        '<!-- a comment --><C><![CDATA[0123456789ABCDEFGH]]><![CDATA[ok]]></C><D>a&amp;b</D></R>';

    it('passes short tokens through unchanged, however the input is split', () => {
        const small = '<R a="1"><A>short</A><!-- c --><B><![CDATA[ok]]></B><?pi x?></R>';
        for (const size of [1, 2, 3, 7, 1000]) expect(guarded(small, size).out, `pieces of ${size}`).to.equal(small);
    });

    it('keeps the start of a long text or CDATA run and tells the parser how long it was', () => {
        for (const size of [1, 2, 5, 9, 1000]) {
            expect(events(document, size), `pieces of ${size}`).to.deep.equal([
                'short',
                '0123456789(16)',
                '0123456789(18)',
                'ok',
                'a&b'
            ]);
        }
    });

    it('never cuts a character reference or a surrogate pair in two', () => {
        expect(events('<R><A>12345678&amp;xyz</A><B>123456789\u{1F680}xyz</B></R>', 3)).to.deep.equal([
            '12345678(16)',
            '123456789(14)'
        ]);
    });

    it('refuses an internal DTD subset and a declaration outside a DTD', () => {
        for (const xml of ['<!DOCTYPE R [<!ENTITY e "x">]><R/>', '<R><!ENTITY e "x"></R>', '<!ELEMENT R ANY><R/>']) {
            for (const size of [1, 4, 1000]) {
                const { guard } = guarded(xml, size);
                expect(guard.failure?.reason, `${xml} in pieces of ${size}`).to.equal('dtd');
            }
        }
    });

    it('reads a bracket inside a quoted DOCTYPE identifier as text', () => {
        const xml = '<!DOCTYPE R SYSTEM "https://example.invalid/[r].dtd"><R/>';
        expect(guarded(xml, 3, 10, 100).guard.failure).to.equal(undefined);
    });

    it('refuses a tag, declaration or processing instruction past the bound, and hands out nothing after it', () => {
        const long = 'v'.repeat(50);
        for (const xml of [`<R a="${long}"/>`, `<!DOCTYPE R SYSTEM "${long}"><R/>`, `<R><?pi ${long}?></R>`]) {
            const { out, guard } = guarded(xml, 4);
            expect(guard.failure?.reason, xml).to.equal('markup');
            expect(out.length, xml).to.be.at.most(48);
            expect(guard.write('<more/>')).to.equal('');
        }
    });

    it('cuts a long comment, never leaving it ending in "--->"', () => {
        const { out, guard } = guarded(`<R><!--${'a-'.repeat(40)}--></R>`, 6);
        expect(guard.failure).to.equal(undefined);
        expect(out).to.match(/^<R><!--(a-)*a--><\/R>$/);
        expect(out.length).to.be.lessThan(60);
    });
});
