import { expect } from 'chai';
import { parseKnowledgeBase } from './knowledge-base-parser.js';
import { readRecordList } from './record-list-reader.js';
import { parseScanList } from './scan-list-parser.js';
import { rejection } from './xml-fixtures.spec.helper.js';

const NAMES = { root: 'KNOWLEDGE_BASE_VULN_LIST_OUTPUT', list: 'VULN_LIST', item: 'VULN', document: 'KnowledgeBase' };

/** A KnowledgeBase response of `vulns`, with `between` before the list. */
function knowledgeBase(vulns: string[], between = ''): string {
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE>' +
        `<DATETIME>2024-05-14T09:20:41Z</DATETIME>${between}<VULN_LIST>${vulns.join('')}</VULN_LIST>` +
        '</RESPONSE></KNOWLEDGE_BASE_VULN_LIST_OUTPUT>'
    );
}

function vuln(qid: number, extra = ''): string {
    return `<VULN><QID>${qid}</QID><TITLE><![CDATA[Title ${qid}]]></TITLE>${extra}</VULN>`;
}

describe('readRecordList (KnowledgeBase and scan list responses)', () => {
    it('hands out each record as it closes, and reads the response time', async () => {
        const seen: string[] = [];
        const trailer = await readRecordList(knowledgeBase([vuln(1), vuln(2)]), NAMES, item =>
            seen.push(item.children?.map(child => child.name).join(',') ?? '')
        );
        expect(seen).to.deep.equal(['QID,TITLE', 'QID,TITLE']);
        expect(trailer).to.deep.equal({ datetime: '2024-05-14T09:20:41Z' });
    });

    it('gives the event loop a turn between slices of a large response', async () => {
        const vulns = Array.from({ length: 4000 }, (_, index) =>
            vuln(index, `<DIAGNOSIS>${'d'.repeat(400)}</DIAGNOSIS>`)
        );
        let turns = 0;
        let counting = true;
        const count = (): void => {
            turns += 1;
            if (counting) setImmediate(count);
        };
        setImmediate(count);
        const { vulns: parsed } = await parseKnowledgeBase(knowledgeBase(vulns));
        counting = false;
        expect(parsed).to.have.length(4000);
        // About 1.8 MB in 64 KB slices: other work ran between them.
        expect(turns).to.be.at.least(20);
    });

    it('refuses deep nesting, a value past its bound and a DTD of its own as protocol errors', async () => {
        const deep = await rejection(parseKnowledgeBase(knowledgeBase([vuln(1, '<X>'.repeat(100_000))])));
        expect(deep).to.include({ kind: 'protocol' });
        expect(deep.message).to.match(
            /^refused the KnowledgeBase response at line 2, column \d+: elements nested deeper than 64 levels$/
        );
        const long = await rejection(
            parseKnowledgeBase(knowledgeBase([vuln(1, `<SOLUTION>${'s'.repeat(300_000)}</SOLUTION>`)]))
        );
        expect(long.message).to.match(/the value of VULN\/SOLUTION is longer than 262144 characters$/);
        const dtd = await rejection(
            parseScanList(
                '<!DOCTYPE SCAN_LIST_OUTPUT [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' +
                    '<SCAN_LIST_OUTPUT><RESPONSE><SCAN_LIST><SCAN><REF>&b;</REF></SCAN></SCAN_LIST></RESPONSE></SCAN_LIST_OUTPUT>'
            )
        );
        expect(dtd.message).to.match(/^refused the scan list response at .*declares its own DTD/);
        expect(dtd.hint).to.contain('Qualys never sends this');
    });

    it('skips a huge unknown element without failing', async () => {
        const { vulns } = await parseKnowledgeBase(
            knowledgeBase([vuln(7)], `<UNKNOWN>${'u'.repeat(3_000_000)}</UNKNOWN>`)
        );
        expect(vulns.map(entry => entry.qid)).to.deep.equal([7]);
    });

    it('lets a mapper refusing a record end the read with its error', async () => {
        const error = await rejection(
            parseKnowledgeBase(knowledgeBase([vuln(1), '<VULN><TITLE>no QID</TITLE></VULN>']))
        );
        expect(error.message).to.equal('Qualys sent a KnowledgeBase VULN without a numeric QID');
    });
});
