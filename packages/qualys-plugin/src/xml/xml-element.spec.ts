import { expect } from 'chai';
import { elementText, type XmlElement, XmlTreeBuilder } from './xml-element.js';
import { HOST_DETECTION_LIMITS, XmlLimitError, type XmlLimits } from './xml-limits.js';

/** Builds `<DETECTION>` from events as the tokenizer reports them: indentation, values, one mixed-content element. */
function buildDetection(builder: XmlTreeBuilder): XmlElement {
    builder.open('DETECTION', undefined);
    builder.text('\n  ');
    builder.open('QID', undefined);
    builder.text('38170');
    builder.close();
    builder.text('\n  ');
    builder.open('NOTE', undefined);
    builder.text('\n    ');
    builder.text('see');
    builder.open('B', undefined);
    builder.close();
    builder.text(' ');
    builder.open('I', undefined);
    builder.close();
    builder.text('below\n  ');
    builder.close();
    builder.text('\n  ');
    builder.open('RESULTS', undefined);
    builder.text('\n    ');
    builder.text('scanner output');
    builder.close();
    builder.text('\n');
    return builder.close();
}

describe('XmlTreeBuilder', () => {
    it('keeps every piece of text as sent by default', () => {
        const detection = buildDetection(new XmlTreeBuilder(HOST_DETECTION_LIMITS));
        expect(detection.text).to.equal('\n  \n  \n  \n');
        expect(detection.children![1].text).to.equal('\n    see below\n  ');
        expect(detection.children![2].text).to.equal('\n    scanner output');
    });

    it('leaves out only the white space before the text a trimming reader reads', () => {
        const kept = buildDetection(new XmlTreeBuilder(HOST_DETECTION_LIMITS));
        const trimmed = buildDetection(new XmlTreeBuilder(HOST_DETECTION_LIMITS, { readsTrimmedText: true }));
        // The indentation between children is not joined up.
        expect(trimmed.text).to.equal('');
        // White space inside mixed content stays, so the trimmed text is the same as when everything is kept.
        expect(trimmed.children![1].text).to.equal('see below\n  ');
        const texts = (element: XmlElement): string[] => [
            elementText(element),
            ...(element.children ?? []).flatMap(texts)
        ];
        expect(texts(trimmed)).to.deep.equal(texts(kept));
    });

    it('keeps the leading white space of a value it may cut, whose length is reported as sent', () => {
        const limits: XmlLimits = { ...HOST_DETECTION_LIMITS, maxCutValueChars: 8 };
        const builder = new XmlTreeBuilder(limits, { readsTrimmedText: true });
        builder.open('RESULTS', undefined);
        builder.text('\n    ');
        builder.text('scanner output');
        const results = builder.close();
        expect(results.text).to.equal('\n    sca');
        expect(results.cutFrom).to.equal(19);
    });

    it('counts the white space it leaves out towards the record size', () => {
        const limits: XmlLimits = { ...HOST_DETECTION_LIMITS, maxRecordChars: 200 };
        const builder = new XmlTreeBuilder(limits, { readsTrimmedText: true });
        builder.open('HOST', undefined);
        expect(() => builder.text(' '.repeat(300))).to.throw(XmlLimitError, 'larger than 200 characters');
    });
});
