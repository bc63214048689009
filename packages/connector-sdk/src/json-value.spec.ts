import { expect } from 'chai';
import { assertJsonValue, findNonJsonValue } from './json-value.js';

describe('findNonJsonValue', () => {
    it('accepts plain JSON and reports the first thing that is not', () => {
        expect(findNonJsonValue({ a: [1, 'x', true, null, { b: {} }], c: Object.create(null) })).to.equal(undefined);
        expect(findNonJsonValue({ a: [1, { f: () => 1 }] })).to.deep.equal({ path: 'a[1].f', found: 'a function' });
        expect(findNonJsonValue(Infinity)).to.deep.equal({ path: '', found: 'Infinity' });
        class Point {}
        expect(findNonJsonValue({ p: new Point() })).to.deep.equal({ path: 'p', found: 'a Point' });
        const loop: Record<string, unknown> = {};
        loop.self = loop;
        expect(findNonJsonValue(loop)).to.deep.equal({ path: 'self', found: 'a circular reference' });
    });

    it('assertJsonValue names what and where', () => {
        expect(() => assertJsonValue({ at: new Date() }, 'the checkpoint')).to.throw(
            TypeError,
            "the checkpoint is not plain JSON: found a Date at 'at'"
        );
        assertJsonValue({ ok: [1, 2] }, 'the checkpoint');
    });
});
