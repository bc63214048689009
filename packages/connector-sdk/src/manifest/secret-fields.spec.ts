import { expect } from 'chai';
import { secretFieldPaths, secretValues } from './secret-fields.js';

const schema = {
    type: 'object',
    $defs: {
        credential: {
            type: 'object',
            properties: { user: { type: 'string' }, key: { type: 'string', writeOnly: true } }
        }
    },
    properties: {
        username: { type: 'string' },
        password: { type: 'string', writeOnly: true },
        proxy: {
            type: 'object',
            properties: { url: { type: 'string' }, password: { type: 'string', writeOnly: true } }
        },
        accounts: { type: 'array', items: { $ref: '#/$defs/credential' } },
        oauth: {
            anyOf: [
                { type: 'object', properties: { clientSecret: { type: 'string', writeOnly: true } } },
                { type: 'null' }
            ]
        }
    }
};

describe('secretFieldPaths', () => {
    it('lists writeOnly properties, nested, in arrays, in branches and behind local refs', () => {
        expect(secretFieldPaths(schema)).to.have.members([
            'password',
            'proxy.password',
            'accounts[].key',
            'oauth.clientSecret'
        ]);
    });

    it('returns nothing for a schema without secrets, and survives recursive refs', () => {
        expect(secretFieldPaths({ type: 'object', properties: { a: { type: 'string' } } })).to.deep.equal([]);
        const recursive = {
            $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } },
            $ref: '#/$defs/node'
        };
        expect(secretFieldPaths(recursive)).to.deep.equal([]);
    });
});

describe('secretValues', () => {
    it('collects the non-empty string values at the secret paths, once each', () => {
        const config = {
            username: 'svc',
            password: 'p4ss',
            proxy: { url: 'http://proxy', password: 'proxy-pass' },
            accounts: [
                { user: 'a', key: 'k1' },
                { user: 'b', key: 'p4ss' },
                { user: 'c', key: '' }
            ],
            oauth: null
        };
        expect(secretValues(schema, config)).to.have.members(['p4ss', 'proxy-pass', 'k1']);
    });

    it('ignores missing or malformed parts of the config', () => {
        expect(secretValues(schema, undefined)).to.deep.equal([]);
        expect(secretValues(schema, { proxy: 'x', accounts: 'y', password: 42 })).to.deep.equal([]);
    });
});
