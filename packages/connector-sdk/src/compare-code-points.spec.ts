import { expect } from 'chai';
import { compareCodePoints } from './compare-code-points.js';

describe('compareCodePoints', () => {
    it('orders as the default sort does, upper case before lower case', () => {
        const names = ['qualys.scan', 'Qualys', 'ocsf.vulnerability_finding', 'qualys.host', 'qualys.host'];
        expect([...names].sort(compareCodePoints)).to.deep.equal([...names].sort());
        expect(compareCodePoints('a', 'a')).to.equal(0);
        expect(compareCodePoints('B', 'a')).to.be.lessThan(0);
    });
});
