import { expect } from 'chai';
import { documentRootName } from './xml-element.js';
import { XmlLimitError } from './xml-limits.js';
import { XmlSyntaxError, XmlTokenizer } from './xml-tokenizer.js';
import { TINY_LIMITS, tokenize } from './xml-tokenizer.spec.helper.js';

/** The reason of the syntax error `xml` stops at, and where. */
function syntaxError(xml: string, size?: number): string {
    const { error, position } = tokenize(xml, size);
    expect(error, xml).to.be.instanceOf(XmlSyntaxError);
    return `${position}: ${(error as XmlSyntaxError).reason}`;
}

/** The reason of the limit `xml` breaks under {@link TINY_LIMITS}, in pieces of `size`. */
function limitBroken(xml: string, size: number): string | undefined {
    const { error } = tokenize(xml, size, TINY_LIMITS);
    if (error === undefined) return undefined;
    expect(error, xml).to.be.instanceOf(XmlLimitError);
    return (error as XmlLimitError).reason;
}

describe('XmlTokenizer', () => {
    describe('reading', () => {
        it('reports the root before its attributes, then tags, attributes and text', () => {
            const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<R a="1" b = \'x>y\'><A>t</A><B/><C x="&lt;"></C></R>';
            expect(tokenize(xml).events).to.deep.equal([
                'root R',
                '<R {"a":"1","b":"x>y"}>',
                '<A>',
                '"t"',
                '</>',
                '<B>',
                '</>',
                '<C {"x":"<"}>',
                '</>',
                '</>'
            ]);
        });

        it('reads the same events wherever the input is split', () => {
            const xml =
                '\uFEFF<?xml version="1.0"?>\r\n<!DOCTYPE R SYSTEM "r.dtd">\n<!-- c - d -->' +
                '<R a="x>y" b="1\r\n2&amp;3"><A>AT&T &nbsp;&#x41;\r\n</A><B><![CDATA[x]]]]><![CDATA[>y\r\n]]></B>' +
                '<Ünï kéy="🚀">🚀 é</Ünï><?pi ? x ?><C\n/><!----><D>R&D&amp;T &ab;c</D>\r\n</R>\r\n<!-- end -->';
            const whole = tokenize(xml);
            expect(whole.error).to.equal(undefined);
            expect(whole.events).to.include.members([
                '<R {"a":"x>y","b":"1 2&3"}>',
                '"AT&T \u00a0A\r\n"',
                '"x]]>y\r\n"',
                '<Ünï {"kéy":"🚀"}>',
                '"🚀 é"',
                '"R&D&amp;T &ab;c"'
            ]);
            for (let size = 1; size <= 40; size += 1) {
                expect(tokenize(xml, size).events, `pieces of ${size}`).to.deep.equal(whole.events);
            }
        });

        it('keeps an attribute called __proto__ as data', () => {
            let seen: Record<string, string> | undefined;
            const tokenizer = new XmlTokenizer({
                root() {},
                openTag(_name, attributes) {
                    seen = attributes;
                },
                closeTag() {},
                text() {}
            });
            tokenizer.write('<R __proto__="x" constructor="y"/>');
            expect(Object.keys(seen!)).to.deep.equal(['__proto__', 'constructor']);
            expect(Object.getOwnPropertyDescriptor(seen, '__proto__')?.value).to.equal('x');
            expect(Object.getPrototypeOf(seen)).to.equal(Object.prototype);
        });

        it('leaves text out while collectText is off', () => {
            const texts: string[] = [];
            const tokenizer = new XmlTokenizer({
                root() {},
                openTag(name) {
                    tokenizer.collectText = name !== 'SKIP';
                },
                closeTag() {
                    tokenizer.collectText = true;
                },
                text(value) {
                    texts.push(value);
                }
            });
            tokenizer.write('<R><SKIP>not this<![CDATA[nor this]]></SKIP><A>this</A></R>');
            expect(texts).to.deep.equal(['this']);
        });

        it('tolerates what sax reads: noncharacters, ]]> in text, space before the declaration, repeated attributes', () => {
            const xml = '\n  <?xml version="1.1"?><R a="1" a="2" b="x<y">a\uFFFEb\uFFFF ]]> \uD800.</R>';
            expect(tokenize(xml).events).to.deep.equal([
                'root R',
                '<R {"a":"2","b":"xy"}>',
                '"a\uFFFEb\uFFFF ]]> \uD800."',
                '</>'
            ]);
        });
    });

    describe('well-formedness', () => {
        it('reports a wrong close tag at its end, without closing anything', () => {
            const { events } = tokenize('<R><A>x</B></R>');
            expect(events).to.deep.equal(['root R', '<R>', '<A>', '"x"']);
            expect(syntaxError('<R>\n  <A>x</B></R>')).to.equal('line 2, column 10: Unexpected close tag');
            expect(syntaxError('<R>\n  <A>x</A  ></R>\n</R>', 3)).to.equal(
                'line 3, column 4: Unmatched closing tag: R'
            );
            expect(syntaxError('<R>🚀 </B></R>')).to.equal('line 1, column 9: Unexpected close tag');
        });

        it('reports the same position wherever the input is split', () => {
            const xml =
                '<?xml version="1.0"?>\r\n<R>\r\n  <A b="1\n2">🚀 x\n</A>\n  <![CDATA[\n]]><!--\n-->\n  <B>é</C></R>';
            expect(syntaxError(xml)).to.equal('line 9, column 10: Unexpected close tag');
            for (let size = 1; size <= 30; size += 1) {
                expect(syntaxError(xml, size), `pieces of ${size}`).to.equal('line 9, column 10: Unexpected close tag');
            }
        });

        it('refuses markup and text that are not XML', () => {
            const cases: [xml: string, reason: string][] = [
                ['<R a=1></R>', 'Unquoted attribute value'],
                ['<R a></R>', 'Attribute without value'],
                ['<R a="1"b="2"></R>', 'No whitespace between attributes'],
                ['<R/ >', 'Forward-slash in opening tag not followed by >'],
                ['<R>a < b</R>', 'Disallowed character in tag name'],
                ['<R></>', 'Weird empty close tag'],
                ['<R></R x>', 'Disallowed character in closing tag'],
                ['Service Unavailable', 'Text data outside of root node'],
                ['<R/>trailing', 'Text data outside of root node'],
                ['<![CDATA[x]]><R/>', 'Text data outside of root node'],
                ['<R/><S/>', 'Documents may contain only one root'],
                ['<R><!-- a -- b --></R>', 'Malformed comment'],
                ['<R/><!DOCTYPE R>', 'Inappropriately located doctype declaration'],
                ['<?xml encoding="UTF-8"?><R/>', 'XML declaration must contain a version'],
                ['<? x?><R/>', 'Processing instruction without a target']
            ];
            for (const [xml, reason] of cases) {
                for (const size of [1, 1000]) expect(syntaxError(xml, size), xml).to.match(new RegExp(`: ${reason}$`));
            }
        });

        it('tells an HTML page by its root before reading its unquoted attributes', () => {
            const { events, error } = tokenize('<!DOCTYPE html>\n<html lang=en><body></body></html>');
            expect(events).to.deep.equal(['root html']);
            expect((error as XmlSyntaxError).reason).to.equal('Unquoted attribute value');
        });

        it('stops for good at the first error', () => {
            const tokenizer = new XmlTokenizer({ root() {}, openTag() {}, closeTag() {}, text() {} });
            expect(() => tokenizer.write('<R></S>')).to.throw(XmlSyntaxError);
            expect(() => tokenizer.write('</R>')).to.throw(XmlSyntaxError, 'Unexpected close tag');
        });
    });

    describe('bounds', () => {
        const document =
            '<?xml version="1.0"?>\n<!DOCTYPE R SYSTEM "r.dtd">\n<R a="x>y"><A>short</A><B>0123456789abcdef</B>' +
            '<!-- a comment --><C><![CDATA[0123456789ABCDEFGH]]><![CDATA[ok]]></C><D>a&amp;b</D></R>';

        it('keeps the start of a long text or CDATA run and tells how long it was', () => {
            for (const size of [1, 2, 5, 9, 1000]) {
                const texts = tokenize(document, size, TINY_LIMITS).events.filter(event => event.startsWith('"'));
                expect(texts, `pieces of ${size}`).to.deep.equal([
                    '"short"',
                    '"0123456789(16)"',
                    '"0123456789(18)ok"',
                    '"a&b"'
                ]);
            }
        });

        it('never cuts a character reference or a surrogate pair in two', () => {
            const xml = '<R><A>12345678&amp;xyz</A><B>123456789\u{1F680}xyz</B></R>';
            const texts = tokenize(xml, 3, TINY_LIMITS).events.filter(event => event.startsWith('"'));
            expect(texts).to.deep.equal(['"12345678(16)"', '"123456789(14)"']);
        });

        it('refuses an internal DTD subset and a declaration outside a DTD', () => {
            for (const xml of [
                '<!DOCTYPE R [<!ENTITY e "x">]><R/>',
                '<R><!ENTITY e "x"></R>',
                '<!ELEMENT R ANY><R/>'
            ]) {
                for (const size of [1, 4, 1000])
                    expect(limitBroken(xml, size), `${xml} in pieces of ${size}`).to.equal('dtd');
            }
        });

        it('reads a bracket inside a quoted DOCTYPE identifier as text', () => {
            const xml = '<!DOCTYPE R SYSTEM "https://example.invalid/[r].dtd"><R/>';
            expect(tokenize(xml, 3).error).to.equal(undefined);
        });

        it('refuses a tag, declaration or processing instruction past the bound, and reads nothing after it', () => {
            const long = 'v'.repeat(50);
            for (const xml of [`<R a="${long}"/>`, `<!DOCTYPE R SYSTEM "${long}"><R/>`, `<R><?pi ${long}?></R>`]) {
                for (const size of [4, 1000]) expect(limitBroken(xml, size), xml).to.equal('markup');
            }
            const tokenizer = new XmlTokenizer({ root() {}, openTag() {}, closeTag() {}, text() {} }, TINY_LIMITS);
            expect(() => tokenizer.write(`<R a="${long}">`)).to.throw(XmlLimitError, 'a tag longer than 40 characters');
            expect(() => tokenizer.write('<more/>')).to.throw(XmlLimitError);
        });

        it('reads a comment of any length, even one ending in "--->" past the bound', () => {
            const { events, error } = tokenize(`<R><!--${'a-'.repeat(40)}--></R>`, 6, TINY_LIMITS);
            expect(error).to.equal(undefined);
            expect(events).to.deep.equal(['root R', '<R>', '</>']);
        });
    });
});

describe('documentRootName', () => {
    it('reads the root after whitespace before the XML declaration and a 1.1 declaration', () => {
        expect(documentRootName('\n  <?xml version="1.1"?>\n<!-- c --><ROOT a="1"><B/></ROOT>')).to.equal('ROOT');
        expect(documentRootName('<!DOCTYPE html>\n<html lang=en>')).to.equal('html');
        expect(documentRootName('<?xml version="1.0"?>\n<ROO')).to.equal(undefined);
        expect(documentRootName('not xml')).to.equal(undefined);
    });
});
