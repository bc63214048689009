import { expect } from 'chai';
import type { ConnectorManifest } from '@signal-connectors/connector-sdk';
import { PluginFixtures } from '../test/plugin-fixtures.js';
import { buildCatalog, formatCatalog } from './catalog.js';

function manifest(id: string, overrides: Record<string, unknown> = {}): ConnectorManifest {
    return PluginFixtures.manifest(id, overrides) as unknown as ConnectorManifest;
}

const SECRET_DEFAULT = 'do-not-print-this-default';
const SECRET_EXAMPLE = 'do-not-print-this-example';

describe('buildCatalog', () => {
    const schema = {
        type: 'object',
        required: ['host', 'password'],
        properties: {
            host: {
                type: 'string',
                title: 'API server',
                description: 'Where the API lives.',
                examples: ['api.example.com'],
                anyOf: [{ const: 'api.eu.example.com', title: 'EU' }, { type: 'string' }]
            },
            password: {
                type: 'string',
                title: 'Password',
                writeOnly: true,
                default: SECRET_DEFAULT,
                examples: [SECRET_EXAMPLE]
            },
            statuses: { type: 'array', items: { type: 'string', enum: ['New', 'Fixed'] }, default: ['New'] },
            pageSize: { type: 'integer', default: 1000 },
            proxy: {
                type: 'object',
                properties: { url: { type: 'string' }, token: { $ref: '#/$defs/secret' } }
            }
        },
        $defs: { secret: { type: 'string', writeOnly: true, default: SECRET_DEFAULT } }
    };

    it('describes each connector from its manifest, sorted by id', () => {
        const catalog = buildCatalog([
            { manifest: manifest('acme.zeta', { multiInstance: false }) },
            {
                manifest: manifest('acme.alpha', { configSchema: schema }),
                packageName: '@acme/alpha',
                packageVersion: '1.2.3'
            }
        ]);

        expect(catalog.map(e => e.id)).to.deep.equal(['acme.alpha', 'acme.zeta']);
        const alpha = catalog[0];
        expect(alpha).to.include({
            displayName: 'Fixture acme.alpha',
            vendor: 'Acme',
            category: 'Testing',
            authMethod: 'basic',
            defaultPollingInterval: '30m',
            multiInstance: true,
            docsUrl: 'https://example.com/docs',
            packageName: '@acme/alpha',
            packageVersion: '1.2.3'
        });
        expect(alpha.capabilities).to.deep.equal(['records']);
        // No streams declared: the single default stream.
        expect(alpha.streams.map(stream => stream.id)).to.deep.equal(['default']);
        expect(alpha.authAlternatives).to.deep.equal([]);
        expect(alpha.fields.map(f => f.name)).to.deep.equal([
            'host',
            'password',
            'statuses',
            'pageSize',
            'proxy.url',
            'proxy.token'
        ]);
        expect(alpha.fields[0]).to.deep.equal({
            name: 'host',
            type: 'string',
            title: 'API server',
            description: 'Where the API lives.',
            required: true,
            secret: false,
            suggestions: ['api.example.com', 'api.eu.example.com']
        });
        expect(alpha.fields[2]).to.deep.include({
            type: 'string[]',
            enum: ['New', 'Fixed'],
            default: ['New'],
            required: false
        });
        expect(alpha.fields[3]).to.deep.include({ type: 'integer', default: 1000 });
    });

    it('marks writeOnly fields secret and never lists their defaults or examples', () => {
        const catalog = buildCatalog([{ manifest: manifest('acme.alpha', { configSchema: schema }) }]);

        const password = catalog[0].fields.find(f => f.name === 'password')!;
        expect(password).to.deep.equal({
            name: 'password',
            type: 'string',
            title: 'Password',
            required: true,
            secret: true
        });
        expect(catalog[0].fields.find(f => f.name === 'proxy.token')).to.deep.include({ secret: true });
        const everything = JSON.stringify(catalog) + formatCatalog(catalog);
        expect(everything).to.not.contain(SECRET_DEFAULT);
        expect(everything).to.not.contain(SECRET_EXAMPLE);
    });
});

describe('formatCatalog', () => {
    it('prints a summary table and each connector with its settings', () => {
        const catalog = buildCatalog([
            { manifest: manifest('acme.alpha'), packageName: '@acme/alpha', packageVersion: '1.0.0' },
            { manifest: manifest('acme.beta', { multiInstance: false, auth: { method: 'api_key' } }) }
        ]);

        const text = formatCatalog(catalog);

        const lines = text.split('\n');
        expect(lines[0]).to.equal('2 connectors available');
        expect(lines[2]).to.match(/^ID\s+NAME\s+VENDOR\s+CATEGORY\s+AUTH\s+POLLING\s+INSTANCES$/);
        expect(lines[3]).to.match(/^acme\.alpha\s+Fixture acme\.alpha\s+Acme\s+Testing\s+basic\s+30m\s+many$/);
        expect(lines[4]).to.match(/^acme\.beta\s+.*api_key\s+30m\s+one$/);
        expect(text).to.contain('acme.alpha: Fixture acme.alpha by Acme [@acme/alpha@1.0.0]');
        expect(text).to.contain('    url (string, required): URL');
        expect(text).to.contain('    password (string, optional, secret)');
        expect(text).to.contain('Examples: https://api.example.com');
        expect(text).to.not.contain('example-secret-value');
        expect(formatCatalog(catalog, { summaryOnly: true }).split('\n')).to.have.length(6);
    });

    it('says how to install a plugin when there is none', () => {
        expect(formatCatalog([])).to.contain('No connector plugins found');
    });
});
