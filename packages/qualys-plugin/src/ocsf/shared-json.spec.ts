import { expect } from 'chai';
import { renderJson, shareJson } from './shared-json.js';

describe('renderJson', () => {
    const paths = { data: { inner: {} } };

    it('renders what JSON.stringify renders, undefined and function values left out', () => {
        const value = {
            id: 'a"b\n',
            n: 1.5,
            skipped: undefined,
            fn: () => 1,
            list: [1, undefined, 'x'],
            data: { inner: { deep: [null, true], gone: undefined }, text: '\u2028é' }
        };
        expect(renderJson(value, paths)).to.equal(JSON.stringify(value));
        expect(renderJson('plain', paths)).to.equal('"plain"');
        expect(renderJson(null)).to.equal('null');
    });

    it('renders a shared object once and splices that text wherever it appears', () => {
        const device = shareJson({ uid: '1', name: 'host' });
        const first = { data: { device, inner: { device } } };
        expect(renderJson(first, paths)).to.equal(JSON.stringify(first));
        // Shared objects are read-only: a change after the first rendering is not seen, which shows the reuse.
        device.name = 'changed';
        expect(renderJson({ data: { device } }, paths)).to.equal('{"data":{"device":{"uid":"1","name":"host"}}}');
    });

    it('renders each value alone, after a longer one and after one that failed', () => {
        const long = { data: { inner: { a: 1 }, b: [2], c: 'three', d: { e: 4 }, f: null } };
        expect(renderJson(long, paths)).to.equal(JSON.stringify(long));
        expect(renderJson({ data: {} }, paths)).to.equal('{"data":{}}');
        expect(() => renderJson({ data: { inner: { big: 1n } } }, paths)).to.throw(TypeError);
        expect(renderJson({ x: 1 }, paths)).to.equal('{"x":1}');
    });

    it('leaves out inherited keys, as JSON.stringify does', () => {
        const value = Object.assign(Object.create({ inherited: 1 }) as Record<string, unknown>, { own: 2 });
        expect(renderJson({ data: value }, { data: {} })).to.equal(JSON.stringify({ data: value }));
        expect(renderJson({ data: value }, { data: {} })).to.equal('{"data":{"own":2}}');
    });

    it('renders an object that is not shared anew each time', () => {
        const device = { uid: '1' };
        expect(renderJson({ data: { device } }, paths)).to.equal('{"data":{"device":{"uid":"1"}}}');
        device.uid = '2';
        expect(renderJson({ data: { device } }, paths)).to.equal('{"data":{"device":{"uid":"2"}}}');
    });
});
