import { expect } from 'chai';
import { confidenceOf, findingStateOf, riskLevelOf, severityOf } from './finding-classification.js';

describe('finding classification', () => {
    it('maps the QDS severities to OCSF risk levels', () => {
        const table: [string, number, string][] = [
            ['LOW', 1, 'Low'],
            ['MEDIUM', 2, 'Medium'],
            ['HIGH', 3, 'High'],
            ['CRITICAL', 4, 'Critical'],
            ['Critical', 4, 'Critical'],
            ['EXTREME', 99, 'EXTREME']
        ];
        for (const [label, id, caption] of table) expect(riskLevelOf(label), label).to.deep.equal({ id, caption });
        expect(riskLevelOf(undefined)).to.equal(undefined);
        expect(riskLevelOf('')).to.equal(undefined);
    });

    it('reads statuses and detection types regardless of case', () => {
        expect(findingStateOf('FIXED', false, false).status).to.deep.equal({ id: 4, caption: 'Resolved' });
        expect(findingStateOf('re-opened', false, false).status).to.deep.equal({ id: 99, caption: 'Re-Opened' });
        expect(confidenceOf('CONFIRMED')).to.deep.equal({ id: 3, caption: 'High' });
        expect(confidenceOf(undefined)).to.equal(undefined);
    });

    it('treats a severity outside 1-5 as Unknown', () => {
        for (const level of [undefined, 0, 6, -1, 2.5]) {
            expect(severityOf(level), String(level)).to.deep.equal({ id: 0, caption: 'Unknown' });
        }
    });
});
