import { expect } from 'chai';
import { createConfigValidator } from './config-schema-validator.js';

const schema = {
    type: 'object',
    additionalProperties: false,
    required: ['apiUrl', 'username', 'password'],
    properties: {
        apiUrl: { type: 'string', format: 'uri' },
        username: { type: 'string', minLength: 1 },
        password: { type: 'string', writeOnly: true },
        platform: { enum: ['US1', 'US2', 'EU1'] },
        pageSize: { type: 'integer', minimum: 1, maximum: 10000 },
        interval: { type: 'string', pattern: '^\\d+[smh]$', examples: ['30m'] },
        proxy: {
            type: 'object',
            additionalProperties: false,
            required: ['url'],
            properties: { url: { type: 'string' }, password: { type: 'string', writeOnly: true } }
        },
        tags: { type: 'array', items: { type: 'string' } }
    }
};

const good = { apiUrl: 'https://qualysapi.qualys.com', username: 'svc', password: 's3cret' };

describe('createConfigValidator', () => {
    const validate = createConfigValidator(schema);

    it('returns no problems for a valid config', () => {
        expect(validate(good)).to.deep.equal([]);
        expect(validate({ ...good, platform: 'EU1', proxy: { url: 'http://proxy:3128' }, tags: ['a'] })).to.deep.equal(
            []
        );
    });

    it('reports an unknown field at its own path, with a spelling hint when one is close', () => {
        expect(validate({ ...good, usrname: 'x', colour: 'red' })).to.deep.equal([
            {
                path: 'usrname',
                message: 'unknown field; remove it or check its spelling',
                hint: "did you mean 'username'?"
            },
            { path: 'colour', message: 'unknown field; remove it or check its spelling' }
        ]);
        expect(validate({ ...good, proxy: { url: 'x', pasword: 'y' } })).to.deep.equal([
            {
                path: 'proxy.pasword',
                message: 'unknown field; remove it or check its spelling',
                hint: "did you mean 'password'?"
            }
        ]);
    });

    it('reports a missing required field at its own path', () => {
        expect(validate({ apiUrl: good.apiUrl, proxy: {} })).to.deep.equal([
            { path: 'username', message: 'is required' },
            { path: 'password', message: 'is required' },
            { path: 'proxy.url', message: 'is required' }
        ]);
    });

    it('lists the allowed values of an enum', () => {
        expect(validate({ ...good, platform: 'US9' })).to.deep.equal([
            { path: 'platform', message: "must be one of 'US1', 'US2', 'EU1'" }
        ]);
    });

    it('names the expected and the actual type', () => {
        expect(validate({ ...good, pageSize: '100', tags: ['a', 2], username: null })).to.deep.equal([
            { path: 'username', message: 'must be a string, not null' },
            { path: 'pageSize', message: 'must be an integer, not a string' },
            { path: 'tags[1]', message: 'must be a string, not an integer' }
        ]);
        expect(validate('config')).to.deep.equal([{ path: '', message: 'must be an object, not a string' }]);
    });

    it('explains limits, formats, empty strings and patterns', () => {
        expect(
            validate({ ...good, apiUrl: 'qualysapi', username: '', pageSize: 0, interval: 'half an hour' })
        ).to.deep.equal([
            { path: 'apiUrl', message: 'must be a valid uri' },
            { path: 'username', message: 'must not be empty' },
            { path: 'pageSize', message: 'must be >= 1' },
            { path: 'interval', message: 'does not have the expected form (pattern ^\\d+[smh]$)', hint: "e.g. '30m'" }
        ]);
    });

    it('never throws, whatever it is given', () => {
        for (const raw of [undefined, null, 0, [], new Date(), () => 1, Symbol('x')]) {
            expect(validate(raw)).to.have.length.greaterThan(0);
        }
    });

    it('prefixes paths when asked', () => {
        const settings = createConfigValidator(schema, { pathPrefix: 'settings' });
        expect(settings({ ...good, username: 1 })).to.deep.equal([
            { path: 'settings.username', message: 'must be a string, not an integer' }
        ]);
        expect(settings(null)).to.deep.equal([{ path: 'settings', message: 'must be an object, not null' }]);
    });

    it('throws on a schema that is itself invalid', () => {
        expect(() => createConfigValidator({ type: 'object', properties: { a: { type: 'text' } } })).to.throw();
        expect(() => createConfigValidator({ type: 'object', propertees: {} })).to.throw(/unknown keyword/);
    });
});
