import { expect } from 'chai';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
    it('reads single and compound units', () => {
        expect(parseDuration('30m')).to.equal(1_800_000);
        expect(parseDuration('1h30m')).to.equal(5_400_000);
        expect(parseDuration('250ms')).to.equal(250);
        expect(parseDuration(' 2d ')).to.equal(172_800_000);
    });

    it('rejects text that is not a duration', () => {
        for (const bad of ['', '30', 'm', '1x', '-5m', '1h 30m']) expect(parseDuration(bad), bad).to.equal(undefined);
    });

    it('formats what it parses', () => {
        expect(formatDuration(5_400_000)).to.equal('1h30m');
        expect(formatDuration(45_000)).to.equal('45s');
        expect(formatDuration(250)).to.equal('250ms');
    });
});
