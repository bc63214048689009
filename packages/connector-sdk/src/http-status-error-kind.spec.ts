import { expect } from 'chai';
import type { ConnectorErrorKind } from './connector-error.js';
import { errorKindForHttpStatus, HTTP_STATUS_ERROR_KINDS } from './http-status-error-kind.js';

describe('errorKindForHttpStatus', () => {
    it('maps the statuses of the table, 5xx to transient, and the rest to protocol', () => {
        const cases: [number, ConnectorErrorKind][] = [
            [401, 'auth'],
            [403, 'permission'],
            [404, 'not_found'],
            [408, 'transient'],
            [429, 'rate_limited'],
            [500, 'transient'],
            [503, 'transient'],
            [400, 'protocol'],
            [409, 'protocol'],
            [418, 'protocol'],
            [302, 'protocol'],
            [200, 'protocol']
        ];
        for (const [status, kind] of cases) expect(errorKindForHttpStatus(status), String(status)).to.equal(kind);
    });

    it("looks up a vendor's overrides first, and lets it say what other 4xx statuses mean", () => {
        const qualys = { overrides: { 409: 'rate_limited' }, otherClientErrors: 'config' } as const;
        expect(errorKindForHttpStatus(409, qualys)).to.equal('rate_limited');
        expect(errorKindForHttpStatus(400, qualys)).to.equal('config');
        expect(errorKindForHttpStatus(401, qualys)).to.equal('auth');
        expect(errorKindForHttpStatus(502, qualys)).to.equal('transient');
        expect(errorKindForHttpStatus(204, qualys)).to.equal('protocol');
    });

    it('is a frozen table, so a plugin cannot change it for every other plugin', () => {
        expect(Object.isFrozen(HTTP_STATUS_ERROR_KINDS)).to.equal(true);
    });
});
