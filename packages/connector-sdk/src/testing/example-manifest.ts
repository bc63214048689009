import type { ConnectorManifest } from '../manifest/connector-manifest.js';

/** The example's manifest; a real plugin keeps it in package.json `signalConnector`. */
export const exampleManifest: ConnectorManifest = {
    id: 'example.paged-api',
    displayName: 'Example paged API',
    description: 'Polls the items of a paged JSON API with HTTP Basic auth: the SDK example connector.',
    vendor: 'Example',
    category: 'example',
    sdk: '^0.1.0',
    entry: 'dist/testing/example-connector.js',
    auth: { method: 'basic' },
    configSchema: {
        type: 'object',
        additionalProperties: false,
        required: ['baseUrl', 'username', 'password'],
        properties: {
            baseUrl: { type: 'string', format: 'uri', examples: ['https://api.example.com'] },
            username: { type: 'string', minLength: 1 },
            password: { type: 'string', minLength: 1, writeOnly: true },
            pageSize: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }
        }
    },
    defaults: { pollingInterval: '15m' },
    multiInstance: true,
    capabilities: ['items'],
    streams: [
        {
            id: 'items',
            title: 'Items',
            description: 'Every item of the API, in id order; each poll continues after the last item delivered.'
        }
    ],
    docsUrl: 'https://example.com/docs/paged-api'
};
