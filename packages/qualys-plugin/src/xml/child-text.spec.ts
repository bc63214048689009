import { expect } from 'chai';
import { childText } from './child-text.js';
import { parseSmallDocument } from './xml-element.js';
import { toXml2jsValue, type Xml2jsElement } from './xml2js-document.js';

describe('childText', () => {
    const xml =
        '<SIMPLE_RETURN><RESPONSE><CODE> 1965 </CODE><TEXT/><name>n</name>' +
        '<ITEM><KEY>A</KEY></ITEM><ITEM><KEY>B</KEY></ITEM></RESPONSE></SIMPLE_RETURN>';

    it('reads the first child of a streaming-parser element, trimmed, and undefined when absent or empty', () => {
        const response = parseSmallDocument(xml, ['SIMPLE_RETURN'])!.children![0];
        expect(childText(response, 'CODE')).to.equal('1965');
        expect(childText(response, 'TEXT')).to.equal(undefined);
        expect(childText(response, 'DATETIME')).to.equal(undefined);
        expect(childText(response, 'name')).to.equal('n');
    });

    it('reads an xml2js element the same way, also one with a child called name', () => {
        const root = toXml2jsValue(parseSmallDocument(xml, ['SIMPLE_RETURN'])!) as Xml2jsElement;
        const response = (root.RESPONSE as never[])[0];
        expect(childText(response, 'CODE')).to.equal('1965');
        expect(childText(response, 'TEXT')).to.equal(undefined);
        expect(childText(response, 'DATETIME')).to.equal(undefined);
        expect(childText(response, 'name')).to.equal('n');
        expect(childText(undefined, 'CODE')).to.equal(undefined);
    });
});
