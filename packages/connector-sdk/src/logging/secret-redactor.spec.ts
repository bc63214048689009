import { expect } from 'chai';
import { ConnectorError } from '../connector-error.js';
import { REDACTED, SecretRedactor } from './secret-redactor.js';

describe('SecretRedactor', () => {
    it('replaces registered secrets and their base64 and URL-encoded forms anywhere in a string', () => {
        const redactor = new SecretRedactor();
        redactor.registerSecret('s3cr3t/pw');
        const text = `pw=s3cr3t/pw b64=${Buffer.from('s3cr3t/pw').toString('base64')} url=s3cr3t%2Fpw`;
        expect(redactor.redactString(text)).to.equal(`pw=${REDACTED} b64=${REDACTED} url=${REDACTED}`);
    });

    it('ignores secrets shorter than 4 characters', () => {
        const redactor = new SecretRedactor();
        redactor.registerSecret('abc');
        expect(redactor.redactString('abcdef')).to.equal('abcdef');
    });

    it('hides Basic/Bearer credentials and URL passwords without being told them', () => {
        const redactor = new SecretRedactor();
        expect(redactor.redactString('Authorization: Basic dXNlcjpwYXNz')).to.equal(`Authorization: Basic ${REDACTED}`);
        expect(redactor.redactString('bearer eyJhbGciOi.x.y')).to.equal(`bearer ${REDACTED}`);
        expect(redactor.redactString('via http://bob:hunter2@proxy:3128/')).to.equal(
            `via http://bob:${REDACTED}@proxy:3128/`
        );
    });

    it('blanks secret-named keys at any depth and scrubs values in arrays, maps and errors', () => {
        const redactor = new SecretRedactor();
        redactor.registerSecret('topsecret');
        const error = new ConnectorError('auth', 'login failed for topsecret', {
            hint: 'check topsecret',
            code: '2000'
        });
        const value = redactor.redactValue({
            config: {
                username: 'bob',
                password: 'x',
                apiKey: 'k',
                api_key: 'k',
                clientSecret: 's',
                nested: [{ token: 't' }]
            },
            list: ['topsecret!'],
            map: new Map([['authorization', 'Basic abcd']]),
            error
        }) as Record<string, Record<string, unknown>>;
        expect(value.config).to.deep.equal({
            username: 'bob',
            password: REDACTED,
            apiKey: REDACTED,
            api_key: REDACTED,
            clientSecret: REDACTED,
            nested: [{ token: REDACTED }]
        });
        expect(value.list).to.deep.equal([`${REDACTED}!`]);
        expect(value.map).to.deep.equal({ authorization: REDACTED });
        expect(value.error).to.include({
            name: 'ConnectorError',
            kind: 'auth',
            code: '2000',
            hint: `check ${REDACTED}`
        });
        expect(JSON.stringify(value)).to.not.contain('topsecret');
    });

    it('survives cycles and keeps library errors down to their safe fields', () => {
        const redactor = new SecretRedactor();
        const cyclic: Record<string, unknown> = { name: 'a' };
        cyclic.self = cyclic;
        expect(redactor.redactValue(cyclic)).to.deep.equal({ name: 'a', self: '[Circular]' });
        const libraryError = Object.assign(new Error('request failed'), {
            options: { headers: { authorization: 'Basic x' } }
        });
        expect(Object.keys(redactor.serializeError(libraryError))).to.have.members(['name', 'message', 'stack']);
    });
});
