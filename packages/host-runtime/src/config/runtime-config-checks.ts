import { parseDuration, type ConfigProblem } from '@signal-connectors/connector-sdk';
import { parseListenAddress } from '../admin/listen-address.js';
import { isLoopbackHost } from '../sink/loopback-host.js';
import { containsSecretReference } from './secret-references.js';

/** Sink fields and the sink types that use them: any other combination is a mistake worth reporting. */
const SINK_FIELD_TYPES: Record<string, readonly string[]> = {
    path: ['jsonl'],
    group: ['jsonl'],
    url: ['http'],
    allowInsecureHttp: ['http'],
    headers: ['http'],
    batchSize: ['http'],
    timeoutSeconds: ['http']
};

const DURATION_FIELDS = ['pollingInterval', 'initialDelay', 'pollTimeout'] as const;

/**
 * What the schema cannot check: durations that parse and are positive, unique instance ids (a duplicate is
 * reported with the path of both), a valid admin address, sink fields that fit the sink type, secret references
 * outside the places they are resolved, and an `http` sink URL with credentials in it. Only fields of the
 * right type are looked at; the schema reports the others.
 */
export function checkRuntimeConfig(raw: Record<string, unknown>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const sink = asObject(raw.sink);
    // With an unknown type the schema already complains; guessing which fields were meant would only add noise.
    if (sink !== undefined && typeof sink.type === 'string' && ['jsonl', 'stdout', 'http'].includes(sink.type)) {
        for (const [field, types] of Object.entries(SINK_FIELD_TYPES)) {
            if (sink[field] !== undefined && !types.includes(sink.type)) {
                problems.push({
                    path: `sink.${field}`,
                    message: `is only used by sink type ${types.map(type => `'${type}'`).join(', ')}; remove it`
                });
            }
        }
        const url = sink.type === 'http' && typeof sink.url === 'string' ? parseUrl(sink.url) : undefined;
        if (url !== undefined && url.protocol !== 'http:' && url.protocol !== 'https:') {
            problems.push({ path: 'sink.url', message: 'must be an http:// or https:// URL' });
        } else if (url !== undefined && (url.username !== '' || url.password !== '')) {
            problems.push({
                path: 'sink.url',
                message: 'must not contain credentials',
                hint: 'send them in sink.headers, e.g. Authorization'
            });
        } else if (url?.protocol === 'http:' && !isLoopbackHost(url.hostname) && sink.allowInsecureHttp !== true) {
            problems.push({
                path: 'sink.url',
                message: `plain http:// to ${url.hostname} would send every artifact and sink.headers unencrypted`,
                hint: 'use https://, or set sink.allowInsecureHttp: true if the network in between is trusted'
            });
        }
    }
    const admin = asObject(raw.admin);
    if (typeof admin?.listen === 'string' && !isListenAddress(admin.listen)) {
        problems.push({
            path: 'admin.listen',
            message: 'must be host:port',
            hint: 'e.g. 127.0.0.1:9464, or [::1]:9464'
        });
    }
    const window = asObject(admin?.manualTriggers)?.window;
    if (typeof window === 'string' && !((parseDuration(window) ?? 0) > 0)) {
        problems.push({
            path: 'admin.manualTriggers.window',
            message: `'${window}' is not a duration`,
            hint: "write e.g. '10m' or '1h'"
        });
    }
    for (const field of ['dataDir', 'sink.path', 'sink.url', 'admin.listen'] as const) {
        const [head, tail] = field.split('.');
        const text = tail === undefined ? raw[head] : asObject(raw[head])?.[tail];
        if (typeof text === 'string' && containsSecretReference(text)) {
            problems.push({
                path: field,
                message: 'secret references are only resolved in instance settings and sink.headers'
            });
        }
    }
    if (Array.isArray(raw.instances)) problems.push(...checkInstances(raw.instances));
    return problems;
}

function checkInstances(instances: unknown[]): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const firstPathOfId = new Map<string, string>();
    instances.forEach((item, index) => {
        const instance = asObject(item);
        if (instance === undefined) return;
        const at = `instances[${index}]`;
        if (typeof instance.id === 'string') {
            const first = firstPathOfId.get(instance.id);
            if (first === undefined) firstPathOfId.set(instance.id, `${at}.id`);
            else
                problems.push({
                    path: `${at}.id`,
                    message: `duplicate instance id '${instance.id}', also used at ${first}`
                });
        }
        for (const field of DURATION_FIELDS) {
            const text = instance[field];
            if (typeof text !== 'string' || text === '') continue;
            const ms = parseDuration(text);
            if (ms === undefined) {
                problems.push({
                    path: `${at}.${field}`,
                    message: `'${text}' is not a duration`,
                    hint: 'e.g. 30m, 1h30m, 90s or 2d'
                });
            } else if (ms <= 0) {
                problems.push({ path: `${at}.${field}`, message: 'must be longer than 0' });
            }
        }
    });
    return problems;
}

/** Whether the admin server will accept the address: its own parser decides, so the two never disagree. */
function isListenAddress(text: string): boolean {
    try {
        parseListenAddress(text);
        return true;
    } catch {
        return false;
    }
}

/** The URL, or undefined when it does not parse (the schema's `uri` format reports that). */
function parseUrl(text: string): URL | undefined {
    try {
        return new URL(text);
    } catch {
        return undefined;
    }
}

function asObject(value: unknown): Record<string, unknown> | undefined {
    return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
}
