import { expect } from 'chai';
import { ConnectorError } from './connector-error.js';

describe('ConnectorError', () => {
    it('knows which kinds are worth retrying', () => {
        expect(new ConnectorError('auth', 'bad password').retryable).to.equal(false);
        expect(new ConnectorError('config', 'bad host').retryable).to.equal(false);
        expect(new ConnectorError('rate_limited', 'slow down', { retryAfterMs: 5000 }).retryable).to.equal(true);
        expect(new ConnectorError('protocol', 'truncated XML').retryable).to.equal(true);
    });

    it('is recognised by shape as well as by class', () => {
        const lookalike = Object.assign(new Error('x'), { name: 'ConnectorError', kind: 'transient' });
        expect(ConnectorError.is(lookalike)).to.equal(true);
        expect(ConnectorError.is(new Error('x'))).to.equal(false);
    });

    it('serialises without its cause', () => {
        const error = new ConnectorError('auth', 'Login failed', { code: '2000', status: 401, cause: new Error('secret') });
        expect(JSON.stringify(error)).to.not.contain('secret');
        expect(error.toJSON()).to.include({ kind: 'auth', code: '2000', status: 401 });
    });
});
