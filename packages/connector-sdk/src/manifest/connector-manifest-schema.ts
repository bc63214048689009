import { STREAM_ID_PATTERN } from '../stream.js';

/** Manifest ids: lower-case words of letters and digits joined by `.` or `-`, e.g. `signal-client.qualys`. */
export const MANIFEST_ID_PATTERN = '^[a-z0-9]+([.-][a-z0-9]+)*$';

/** Durations as `parseDuration` reads them: `30m`, `1h30m`, `90s`. */
const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$';

const nonEmptyString = { type: 'string', minLength: 1 } as const;

/** The authentication methods a manifest can declare (see `ConnectorAuth`). */
const AUTH_METHODS = ['basic', 'api_key', 'oauth2', 'token', 'none'] as const;

/**
 * JSON Schema (draft-07) of a {@link ConnectorManifest}: what can be checked structurally. `validateManifest`
 * adds what a schema cannot say (a valid semver range, a parseable interval, secrets marked `writeOnly`, a
 * compilable `configSchema`). Exported so editors and the catalog can use it as a document too.
 */
export const connectorManifestSchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Connector manifest',
    description: "A connector plugin's package.json `signalConnector` field, or the connector.json it points to.",
    type: 'object',
    additionalProperties: false,
    required: [
        'id',
        'displayName',
        'description',
        'vendor',
        'category',
        'sdk',
        'entry',
        'auth',
        'configSchema',
        'defaults',
        'multiInstance',
        'capabilities',
        'docsUrl'
    ],
    properties: {
        id: { type: 'string', maxLength: 100, pattern: MANIFEST_ID_PATTERN, examples: ['signal-client.qualys'] },
        displayName: { type: 'string', minLength: 1, maxLength: 100 },
        description: nonEmptyString,
        vendor: nonEmptyString,
        category: nonEmptyString,
        sdk: { type: 'string', minLength: 1, description: 'Semver range of the SDK', examples: ['^0.1.0'] },
        entry: { type: 'string', minLength: 1, examples: ['dist/index.js'] },
        auth: {
            type: 'object',
            additionalProperties: false,
            required: ['method'],
            properties: {
                method: { enum: AUTH_METHODS, description: 'The default way an instance authenticates' },
                alternatives: {
                    type: 'array',
                    uniqueItems: true,
                    items: { enum: AUTH_METHODS },
                    description: 'Other ways an instance may be configured to authenticate'
                }
            }
        },
        configSchema: {
            description: "JSON Schema of an instance's settings: an object schema; secret fields are `writeOnly: true`",
            type: 'object',
            required: ['type', 'properties'],
            properties: {
                type: { const: 'object' },
                properties: { type: 'object', additionalProperties: { type: 'object' } },
                required: { type: 'array', items: { type: 'string' } }
            }
        },
        defaults: {
            type: 'object',
            additionalProperties: false,
            required: ['pollingInterval'],
            properties: {
                pollingInterval: { type: 'string', pattern: DURATION_PATTERN, examples: ['30m', '4h', '90s'] }
            }
        },
        multiInstance: { type: 'boolean' },
        capabilities: { type: 'array', uniqueItems: true, items: nonEmptyString },
        streams: {
            description:
                "The streams the connector's poll yields, each with its own checkpoint and status; without it, the single stream `default`",
            type: 'array',
            minItems: 1,
            items: {
                type: 'object',
                additionalProperties: false,
                required: ['id', 'title', 'description'],
                properties: {
                    id: { type: 'string', maxLength: 64, pattern: STREAM_ID_PATTERN, examples: ['host_detections'] },
                    title: { type: 'string', minLength: 1, maxLength: 100, examples: ['Host detections'] },
                    description: nonEmptyString
                }
            }
        },
        docsUrl: { type: 'string', minLength: 1, examples: ['https://example.com/docs/connector'] }
    }
} as const;
