import { expect } from 'chai';
import { formatCount } from './format-count.js';

describe('formatCount', () => {
    it('groups digits by threes, as en-US does', () => {
        for (const value of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 245_463, 9_007_199_254_740_991])
            expect(formatCount(value)).to.equal(value.toLocaleString('en-US'));
    });

    it('keeps the sign of a negative count', () => {
        expect(formatCount(-1234)).to.equal('-1,234');
        expect(formatCount(-12)).to.equal('-12');
    });

    it('rounds to a whole number, never printing minus zero', () => {
        expect(formatCount(1234.6)).to.equal('1,235');
        expect(formatCount(-0.2)).to.equal('0');
    });

    it('spells out what is not a number', () => {
        expect(formatCount(Number.NaN)).to.equal('NaN');
        expect(formatCount(Number.POSITIVE_INFINITY)).to.equal('Infinity');
    });
});
