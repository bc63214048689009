import { LOG_LEVELS, LOG_LINE_FORMATS, MANIFEST_ID_PATTERN, type JsonSchema } from '@signal-connectors/connector-sdk';

/** Instance ids: lower-case letters, digits, `-` and `_`, starting with a letter or digit, e.g. `qualys-prod`. */
export const INSTANCE_ID_PATTERN = '^[a-z0-9][a-z0-9_-]*$';

/** The admin API's address when the config does not say. Loopback only: it must be opened up on purpose. */
export const DEFAULT_ADMIN_LISTEN = '127.0.0.1:9464';

/** Durations are strings such as `30m`; their form is checked with the SDK's `parseDuration`. */
const duration = { type: 'string', minLength: 1, examples: ['30m'] } as const;

/**
 * JSON Schema (draft-07) of `signal-client.yaml`: the structure, types and ranges. What a schema cannot say
 * (durations that parse, unique instance ids, a valid listen address, sink fields that fit the sink type) is
 * checked by the loader. Unknown keys are errors everywhere except inside an instance's `settings`, which
 * the instance's plugin validates against its own schema.
 */
export const RUNTIME_CONFIG_SCHEMA: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
        dataDir: {
            type: 'string',
            minLength: 1,
            description: 'State database and default JSONL output; default ./data'
        },
        sink: {
            type: 'object',
            additionalProperties: false,
            required: ['type'],
            properties: {
                type: { enum: ['jsonl', 'stdout', 'http'] },
                path: {
                    type: 'string',
                    minLength: 1,
                    description: 'jsonl: output directory; default <dataDir>/artifacts'
                },
                url: { type: 'string', format: 'uri', examples: ['https://collector.example.com/ingest'] },
                group: {
                    type: ['string', 'integer'],
                    minLength: 1,
                    minimum: 0,
                    description: 'jsonl: a group (name or id) that may read the artifacts; default: only the user',
                    examples: ['siem-readers']
                },
                headers: { type: 'object', additionalProperties: { type: 'string' } },
                batchSize: { type: 'integer', minimum: 1, maximum: 10_000 },
                timeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 3600 },
                allowInsecureHttp: {
                    type: 'boolean',
                    description: 'http: allow a plain http:// url to a host other than loopback; default false'
                }
            },
            allOf: [
                { if: { required: ['type'], properties: { type: { const: 'http' } } }, then: { required: ['url'] } }
            ]
        },
        admin: {
            type: 'object',
            additionalProperties: false,
            properties: {
                enabled: { type: 'boolean' },
                listen: { type: 'string', minLength: 1, examples: [DEFAULT_ADMIN_LISTEN] },
                token: {
                    type: 'string',
                    minLength: 1,
                    description: 'API and console login token, e.g. ${env:SIGNAL_ADMIN_TOKEN}; generated when absent'
                },
                secretKey: {
                    type: 'string',
                    minLength: 1,
                    description: 'Encrypts the secrets of console-made instances, e.g. ${env:SIGNAL_SECRET_KEY}'
                },
                allowedHosts: {
                    type: 'array',
                    items: { type: 'string', minLength: 1 },
                    description: 'Host names the admin listener answers besides its listen address and localhost'
                },
                publicMetrics: { type: 'boolean', description: '/metrics without the token' },
                manualTriggers: {
                    type: 'object',
                    additionalProperties: false,
                    description: 'Per instance: connection tests and manual polls allowed per window',
                    properties: {
                        max: { type: 'integer', minimum: 1, maximum: 1000 },
                        window: duration
                    }
                }
            }
        },
        log: {
            type: 'object',
            additionalProperties: false,
            description: 'How the service logs to stderr; --log-format/--log-level and LOG_FORMAT/LOG_LEVEL win',
            properties: {
                format: { enum: [...LOG_LINE_FORMATS], description: 'json, pretty (colour terminal) or text (plain)' },
                level: { enum: [...LOG_LEVELS] }
            }
        },
        pluginDirs: { type: 'array', items: { type: 'string', minLength: 1 } },
        maxConcurrentPolls: { type: 'integer', minimum: 1, maximum: 64 },
        instances: {
            type: 'array',
            items: {
                type: 'object',
                additionalProperties: false,
                required: ['id', 'connector'],
                properties: {
                    id: { type: 'string', maxLength: 64, pattern: INSTANCE_ID_PATTERN, examples: ['qualys-prod'] },
                    connector: { type: 'string', pattern: MANIFEST_ID_PATTERN, examples: ['signal-client.qualys'] },
                    enabled: { type: 'boolean' },
                    pollingInterval: duration,
                    initialDelay: duration,
                    pollTimeout: duration,
                    protocolRetries: {
                        type: 'integer',
                        minimum: 0,
                        maximum: 100,
                        description: 'quick retries after bad or truncated responses in a row; default 5'
                    },
                    settings: { type: 'object' }
                }
            }
        }
    }
};
