import { expect } from 'chai';
import { detachedString } from './detached-string.js';
import { garbageCollector } from './garbage-collector.spec.helper.js';

const MB = 1024 * 1024;

describe('detachedString', () => {
    it('keeps the characters of short, long and non-ASCII strings', () => {
        const source = 'Ω 2024-04-27T03:12:04Z <title>Index of /backup</title> 𝄞 '.repeat(3);
        for (let length = 0; length <= source.length; length += 1) {
            expect(detachedString(source.slice(0, length))).to.equal(source.slice(0, length));
            expect(detachedString(source.slice(source.length - length))).to.equal(source.slice(source.length - length));
        }
    });

    it('keeps no part of the large string a value was cut from alive', () => {
        const gc = garbageCollector();
        // Without a collector heapUsed counts garbage, and says nothing about what is kept.
        if (gc === undefined) expect.fail('no garbage collector to measure with');
        gc();
        const before = process.memoryUsage().heapUsed;
        // 100 strings of 1 MB each (so 100 MB if the values kept them), and a 20-character value from each.
        const kept: string[] = [];
        for (let index = 0; index < 100; index += 1) {
            const chunk = `${String(index).padStart(8, '0')}${'x'.repeat(MB)}`;
            kept.push(detachedString(chunk.slice(MB - 12, MB + 8)));
        }
        gc();
        const grown = process.memoryUsage().heapUsed - before;
        expect(kept).to.have.length(100);
        expect(kept[7]).to.equal('x'.repeat(20));
        expect(grown / MB, 'MB kept by 100 values of 20 characters').to.be.lessThan(10);
    });
});
