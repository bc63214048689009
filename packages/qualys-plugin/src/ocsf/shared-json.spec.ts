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

    it('renders an object that is not shared anew each time', () => {
        const device = { uid: '1' };
        expect(renderJson({ data: { device } }, paths)).to.equal('{"data":{"device":{"uid":"1"}}}');
        device.uid = '2';
        expect(renderJson({ data: { device } }, paths)).to.equal('{"data":{"device":{"uid":"2"}}}');
    });
});
