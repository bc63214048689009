import { expect } from 'chai';
import { describeWait, formatQualysDate, formatScanDuration, parseQualysDate, toEpochSec } from './qualys-date.js';
import { cdata, escapeXml } from './xml-text.js';

describe('Qualys dates and XML text', () => {
    it('formats and parses UTC dates', () => {
        const sec = Date.UTC(2024, 4, 14, 8, 5, 9) / 1000;
        expect(formatQualysDate(sec)).to.equal('2024-05-14T08:05:09Z');
        expect(parseQualysDate('2024-05-14T08:05:09Z')).to.equal(sec);
        expect(parseQualysDate('2024-05-14T08:05:09')).to.equal(sec);
        expect(parseQualysDate('2024-05-14')).to.equal(Date.UTC(2024, 4, 14) / 1000);
        for (const bad of ['2024-02-30', '2024-13-01', 'yesterday', '2024-05-14T25:00:00Z', ''])
            expect(parseQualysDate(bad)).to.equal(undefined);
        expect(toEpochSec(new Date(sec * 1000))).to.equal(sec);
        expect(() => toEpochSec('nope')).to.throw(RangeError);
    });

    it('words waits and durations like Qualys', () => {
        expect(describeWait(86_274)).to.equal('23 hours, 57 minutes and 54 seconds');
        expect(describeWait(1487)).to.equal('24 minutes and 47 seconds');
        expect(describeWait(1)).to.equal('1 second');
        expect(formatScanDuration(6069)).to.equal('01:41:09');
        expect(formatScanDuration(2 * 86_400 + 61)).to.equal('2 days 00:01:01');
    });

    it('splits ]]> across CDATA sections and escapes markup', () => {
        expect(cdata('a]]>b')).to.equal('<![CDATA[a]]]]><![CDATA[>b]]>');
        expect(cdata('plain & <b>')).to.equal('<![CDATA[plain & <b>]]>');
        expect(escapeXml(`R&D <"x'>`)).to.equal('R&amp;D &lt;&quot;x&apos;&gt;');
    });
});
