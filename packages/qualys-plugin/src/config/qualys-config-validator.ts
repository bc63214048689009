import {
    createConfigValidator,
    parseDuration,
    type ConfigProblem,
    type ConfigValidation,
    type JsonSchema
} from '@signal-connectors/connector-sdk';
import type { QualysApiVersions, QualysConfig, QualysStatus } from '../model/qualys-config.js';
import { normaliseApiServer } from './api-server-url.js';
import { gatewayFor } from './gateway-url.js';
import { QUALYS_MANIFEST } from './qualys-manifest.js';

export { QUALYS_MANIFEST };

const schema = QUALYS_MANIFEST.configSchema;
const properties = schema.properties as Record<string, JsonSchema>;
const checkSchema = createConfigValidator(schema);

const DURATION_FIELDS = ['initialLookback', 'windowOverlap', 'hostReconciliationInterval'] as const;
const DURATION_HINT = "write e.g. '30d', '12h' or '15m'";

/**
 * Validates a raw instance config against the manifest's `configSchema` and the rules a schema cannot say,
 * and returns the typed {@link QualysConfig} with defaults applied, or every problem at once with its field
 * path. Never throws. `host` may be a bare host name (`https://` is assumed); web-console hosts, plain
 * `http://` (except loopback), and URLs with credentials, paths or queries are refused with a hint.
 * `secrets` holds the password and the proxy password, if any, for the host to redact.
 * No problem message ever contains the password.
 */
export function validateQualysConfig(raw: unknown): ConfigValidation<QualysConfig> {
    const problems = tidySchemaProblems(checkSchema(raw));
    if (!isObject(raw)) return { ok: false, problems };
    const reported = (path: string): boolean =>
        problems.some(p => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`));

    let baseUrl = '';
    if (typeof raw.host === 'string' && !reported('host')) {
        const server = normaliseApiServer(raw.host);
        if (server.ok) baseUrl = server.baseUrl;
        else problems.push({ path: 'host', message: server.message, ...(server.hint ? { hint: server.hint } : {}) });
    }
    for (const field of ['username', 'password'] as const) {
        const value = raw[field];
        if (typeof value === 'string' && value !== '' && value.trim() === '' && !reported(field)) {
            problems.push({ path: field, message: 'must not be blank' });
        }
    }
    const durations: Partial<Record<(typeof DURATION_FIELDS)[number], number>> = {};
    for (const field of DURATION_FIELDS) {
        const text = raw[field] ?? properties[field].default;
        if (typeof text !== 'string' || reported(field)) continue;
        const ms = parseDuration(text);
        if (ms === undefined) problems.push({ path: field, message: 'is not a duration', hint: DURATION_HINT });
        else durations[field] = ms;
    }
    let proxySecrets: string[] = [];
    if (typeof raw.proxy === 'string' && !reported('proxy')) {
        const proxy = checkProxy(raw.proxy);
        if ('problem' in proxy) problems.push(proxy.problem);
        else proxySecrets = proxy.secrets;
    }

    const authMethod = valueOr(raw.authMethod, 'authMethod') as QualysConfig['authMethod'];
    let gatewayUrl: string | undefined;
    if (authMethod === 'token' && baseUrl !== '' && !reported('gatewayUrl')) {
        const gateway = gatewayFor(baseUrl, typeof raw.gatewayUrl === 'string' ? raw.gatewayUrl : undefined);
        if (gateway.ok) gatewayUrl = gateway.gatewayUrl;
        else
            problems.push({
                path: 'gatewayUrl',
                message: gateway.message,
                ...(gateway.hint ? { hint: gateway.hint } : {})
            });
    } else if (authMethod !== 'token' && raw.gatewayUrl !== undefined && !reported('gatewayUrl')) {
        problems.push({
            path: 'gatewayUrl',
            message: 'is only used with token authentication',
            hint: "Remove it, or set 'authMethod: token'"
        });
    }

    const password = typeof raw.password === 'string' ? raw.password : '';
    if (problems.length > 0) return { ok: false, problems: problems.map(p => redact(p, password)) };

    const config: QualysConfig = {
        baseUrl,
        username: (raw.username as string).trim(),
        password,
        authMethod,
        ...(gatewayUrl === undefined ? {} : { gatewayUrl }),
        truncationLimit: valueOr(raw.truncationLimit, 'truncationLimit') as number,
        maxConcurrentPages: valueOr(raw.maxConcurrentPages, 'maxConcurrentPages') as number,
        includeResults: valueOr(raw.includeResults, 'includeResults') as boolean,
        statuses: [...(valueOr(raw.statuses, 'statuses') as QualysStatus[])],
        includeInformationGathered: valueOr(raw.includeInformationGathered, 'includeInformationGathered') as boolean,
        qds: valueOr(raw.qds, 'qds') as boolean,
        initialLookbackMs: durations.initialLookback,
        windowOverlapMs: durations.windowOverlap ?? 0,
        kbEnrichment: valueOr(raw.kbEnrichment, 'kbEnrichment') as boolean,
        cloudMetadata: valueOr(raw.cloudMetadata, 'cloudMetadata') as boolean,
        hostReconciliation: valueOr(raw.hostReconciliation, 'hostReconciliation') as boolean,
        hostReconciliationIntervalMs: durations.hostReconciliationInterval ?? 86_400_000,
        removedHostStatus: valueOr(raw.removedHostStatus, 'removedHostStatus') as QualysConfig['removedHostStatus'],
        scans: valueOr(raw.scans, 'scans') as boolean,
        caFile: typeof raw.caFile === 'string' ? raw.caFile : undefined,
        proxy: typeof raw.proxy === 'string' ? raw.proxy.trim() : undefined,
        timeoutSeconds: valueOr(raw.timeoutSeconds, 'timeoutSeconds') as number,
        apiVersion: apiVersions(raw.apiVersion)
    };
    return { ok: true, config, secrets: [...new Set([password, ...proxySecrets])] };
}

/** The value given, else the schema's default for that property (one source of truth for defaults). */
function valueOr(value: unknown, field: string): unknown {
    return value ?? structuredClone(properties[field].default);
}

function apiVersions(raw: unknown): QualysApiVersions {
    const given = isObject(raw) ? raw : {};
    const defaults = (properties.apiVersion.properties ?? {}) as Record<string, JsonSchema>;
    const pick = (key: keyof QualysApiVersions): string => (given[key] ?? defaults[key].default) as string;
    return {
        hostDetection: pick('hostDetection'),
        knowledgeBase: pick('knowledgeBase'),
        scanList: pick('scanList'),
        hostList: pick('hostList')
    };
}

/** Checks the proxy URL; returns its password (raw and decoded) as secrets, since it may reach a log line. */
function checkProxy(text: string): { secrets: string[] } | { problem: ConfigProblem } {
    let url: URL;
    try {
        url = new URL(text.trim());
    } catch {
        return { problem: { path: 'proxy', message: 'is not a URL', hint: "e.g. 'http://proxy.example.com:3128'" } };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return {
            problem: {
                path: 'proxy',
                message: `must be an http:// or https:// URL, not ${url.protocol}//`,
                hint: `e.g. 'http://${url.host}'`
            }
        };
    }
    if (url.hostname === '') return { problem: { path: 'proxy', message: 'has no host name' } };
    if (url.password === '') return { secrets: [] };
    let decoded = url.password;
    try {
        decoded = decodeURIComponent(url.password);
    } catch {
        // A malformed escape: the raw form is what appears in logs anyway.
    }
    return { secrets: [url.password, decoded] };
}

/**
 * Keeps the schema's problems readable: when a field has the wrong type, the `anyOf` branches it also fails
 * (every known platform host of `host`) only repeat that; pattern failures of durations get plain words.
 */
function tidySchemaProblems(problems: ConfigProblem[]): ConfigProblem[] {
    const typeProblemAt = new Set(problems.filter(p => /^must be an? .*, not /.test(p.message)).map(p => p.path));
    return problems
        .filter(p => !(typeProblemAt.has(p.path) && !/^must be an? .*, not /.test(p.message)))
        .filter(p => p.message !== 'does not match any of the allowed forms' && !/^must be '/.test(p.message))
        .map(p =>
            (DURATION_FIELDS as readonly string[]).includes(p.path) &&
            p.message.startsWith('does not have the expected form')
                ? { path: p.path, message: 'is not a duration', hint: DURATION_HINT }
                : p
        );
}

/**
 * A last guard: whatever a problem quotes from the input (a host, a field name), the password never shows.
 * A short password is only hidden where it stands as a word of its own, so that a password such as `p`
 * does not turn every `https` in the messages into `htt[REDACTED]s`.
 */
function redact(problem: ConfigProblem, password: string): ConfigProblem {
    if (password === '') return problem;
    const escaped = password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern =
        password.length >= 8 ? new RegExp(escaped, 'g') : new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'g');
    const hide = (text: string): string => text.replace(pattern, '[REDACTED]');
    return {
        path: hide(problem.path),
        message: hide(problem.message),
        ...(problem.hint ? { hint: hide(problem.hint) } : {})
    };
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
