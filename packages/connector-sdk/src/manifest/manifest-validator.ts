import { posix } from 'node:path';
import validRange from 'semver/ranges/valid.js';
import type { ValidateFunction } from 'ajv';
import type { ConfigProblem } from '../connector.js';
import { parseDuration } from '../duration.js';
import type { ConnectorManifest } from './connector-manifest.js';
import { connectorManifestSchema } from './connector-manifest-schema.js';
import { ajvErrorsToProblems, compileSchema, isUrl } from './ajv-problems.js';

/** The outcome of {@link validateManifest}. */
export type ManifestValidation = { ok: true; manifest: ConnectorManifest } | { ok: false; problems: ConfigProblem[] };

/** Below this a polling interval is a typo (`5ms` for `5m`), not a schedule. */
const MIN_POLLING_INTERVAL_MS = 1000;

/** Property names whose values are credentials; such a property must be `writeOnly` to be redacted. */
const SECRET_NAME = /(password|passwd|passphrase|secret|token|apikey|privatekey|accesskey|secretkey)$/;

/** Clearer wording than "does not have the expected form" for the fields everyone gets wrong. */
const PATTERN_MESSAGES: Record<string, ConfigProblem> = {
    id: {
        path: 'id',
        message: "must be lower-case letters and digits in words joined by '.' or '-'",
        hint: "e.g. 'signal-client.qualys'"
    },
    'defaults.pollingInterval': {
        path: 'defaults.pollingInterval',
        message: 'is not a duration',
        hint: "write e.g. '30m', '4h' or '90s'"
    }
};

/** The message for a stream id that is not snake_case, wherever it is in the list. */
const STREAM_ID_MESSAGE = {
    message: 'must be snake_case: lower-case letters and digits in words joined by _, starting with a letter',
    hint: "e.g. 'host_detections'"
};

let compiled: ValidateFunction | undefined;

/**
 * Checks a plugin manifest (as read from package.json `signalConnector` or a connector.json) and returns the
 * typed manifest, or every problem with its path (`defaults.pollingInterval`, `configSchema.properties.password`).
 * Never throws: the host skips a plugin with a bad manifest and logs these problems, and one bad plugin must not
 * stop the others. Does not check SDK compatibility (see `checkSdkCompatibility`): the catalog lists
 * incompatible plugins too.
 */
export function validateManifest(raw: unknown): ManifestValidation {
    compiled ??= compileSchema(connectorManifestSchema);
    const problems = compiled(raw)
        ? []
        : ajvErrorsToProblems(compiled.errors).map(p =>
              p.message.startsWith('does not have the expected form')
                  ? (PATTERN_MESSAGES[p.path] ??
                    (/^streams\[\d+\]\.id$/.test(p.path) ? { path: p.path, ...STREAM_ID_MESSAGE } : p))
                  : p
          );
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
        const report = (problem: ConfigProblem): void => {
            // Structural problems come first; a semantic one at (or inside) the same field would only repeat them.
            if (!problems.some(p => p.path === problem.path || problem.path.startsWith(`${p.path}.`)))
                problems.push(problem);
        };
        const broken = (path: string): boolean => problems.some(p => p.path === path || p.path.startsWith(`${path}.`));
        checkSemantics(raw as Partial<Record<keyof ConnectorManifest, unknown>>, report, broken);
    }
    return problems.length === 0 ? { ok: true, manifest: raw as ConnectorManifest } : { ok: false, problems };
}

function checkSemantics(
    manifest: Partial<Record<keyof ConnectorManifest, unknown>>,
    report: (p: ConfigProblem) => void,
    broken: (path: string) => boolean
): void {
    const { sdk, entry, docsUrl, defaults, configSchema, auth, streams } = manifest;
    if (Array.isArray(streams)) {
        const seen = new Set<string>();
        streams.forEach((stream: unknown, index) => {
            const id = isObject(stream) ? stream.id : undefined;
            if (typeof id !== 'string') return;
            if (seen.has(id)) {
                report({
                    path: `streams[${index}].id`,
                    message: `'${id}' is declared twice`,
                    hint: 'give every stream its own id'
                });
            }
            seen.add(id);
        });
    }
    if (typeof sdk === 'string' && validRange(sdk) === null) {
        report({ path: 'sdk', message: `'${sdk}' is not a valid semver range`, hint: "e.g. '^0.1.0'" });
    }
    if (
        typeof entry === 'string' &&
        (posix.isAbsolute(entry) || /^[a-z]:|\\/i.test(entry) || posix.normalize(entry).startsWith('..'))
    ) {
        report({ path: 'entry', message: 'must be a relative path inside the package', hint: "e.g. 'dist/index.js'" });
    }
    if (typeof docsUrl === 'string' && !(isUrl(docsUrl) && /^https?:$/.test(new URL(docsUrl).protocol))) {
        report({
            path: 'docsUrl',
            message: 'must be an http(s) URL',
            hint: "e.g. 'https://example.com/docs/connector'"
        });
    }
    const interval =
        isObject(defaults) && typeof defaults.pollingInterval === 'string'
            ? parseDuration(defaults.pollingInterval)
            : undefined;
    if (interval !== undefined && interval < MIN_POLLING_INTERVAL_MS) {
        report({ path: 'defaults.pollingInterval', message: 'must be at least 1s', hint: "e.g. '30m'" });
    }
    // Compiling or walking a configSchema whose structure is already reported would only add noise.
    if (isObject(configSchema) && !broken('configSchema')) {
        try {
            compileSchema(configSchema);
        } catch (error) {
            report({ path: 'configSchema', message: `is not a valid JSON Schema: ${(error as Error).message}` });
            return;
        }
        const secrets = checkSecretProperties(
            configSchema.properties as Record<string, unknown>,
            'configSchema.properties',
            report
        );
        const method = isObject(auth) ? auth.method : undefined;
        if (typeof method === 'string' && method !== 'none' && secrets === 0) {
            report({
                path: 'configSchema',
                message: `auth.method is '${method}' but no property is marked writeOnly: true`,
                hint: 'mark the credential properties (password, API key, client secret) writeOnly: true so they are redacted'
            });
        }
    }
}

/** Checks the secret properties of an object schema (recursively); returns how many there are. */
function checkSecretProperties(
    properties: Record<string, unknown>,
    at: string,
    report: (p: ConfigProblem) => void
): number {
    let count = 0;
    for (const [name, schema] of Object.entries(properties)) {
        if (!isObject(schema)) continue;
        const path = `${at}.${name}`;
        if (schema.writeOnly === true) {
            count++;
            if (schema.type !== 'string') {
                report({
                    path: `${path}.type`,
                    message: "must be 'string' for a writeOnly (secret) property, so its value can be redacted"
                });
            }
            if ('default' in schema) {
                report({
                    path: `${path}.default`,
                    message: 'must be absent: a secret cannot have a default, manifests are public'
                });
            }
        } else if (
            schema.type === 'string' &&
            (SECRET_NAME.test(name.toLowerCase().replace(/[-_]/g, '')) || schema.format === 'password')
        ) {
            report({
                path: `${path}.writeOnly`,
                message: 'must be true: this property holds a secret',
                hint: 'writeOnly: true makes the host redact it from logs and never show it back'
            });
        }
        if (isObject(schema.properties))
            count += checkSecretProperties(schema.properties, `${path}.properties`, report);
    }
    return count;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
