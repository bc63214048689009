import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { createConfigValidator, parseDuration, type ConfigProblem } from '@signal-connectors/connector-sdk';
import {
    DEFAULT_MANUAL_TRIGGERS,
    DEFAULT_MAX_CONCURRENT_POLLS,
    type InstanceConfig,
    type RuntimeConfig,
    type SinkConfig
} from './runtime-config.js';
import { DEFAULT_ADMIN_LISTEN, RUNTIME_CONFIG_SCHEMA } from './runtime-config-schema.js';
import { resolveGroupId } from './group-id.js';
import { checkRuntimeConfig } from './runtime-config-checks.js';
import { resolveSecretReferences, secretLookingValues, type SecretReferenceOptions } from './secret-references.js';

/** The outcome of loading a runtime config: the config, or every problem found, each with its path. */
export type RuntimeConfigResult = { ok: true; config: RuntimeConfig } | { ok: false; problems: ConfigProblem[] };

/** Options of {@link parseRuntimeConfig}. */
export interface ParseRuntimeConfigOptions {
    /** Absolute path of the file the text came from, kept in the config and used in messages. */
    sourcePath?: string;
    /** Directory relative paths (`dataDir`, `sink.path`, `pluginDirs`, `${file:...}`) are resolved against. */
    baseDir: string;
    /** Variables for `${env:NAME}` references. */
    env: Readonly<Record<string, string | undefined>>;
}

/** Shortest admin token or secret key accepted: shorter ones could be guessed. */
export const MIN_ADMIN_SECRET_LENGTH = 16;

const DURATION_FIELDS = ['pollingInterval', 'initialDelay', 'pollTimeout'] as const;

// Compiled once: the schema never changes at runtime.
const validateSchema = createConfigValidator(RUNTIME_CONFIG_SCHEMA);

/**
 * Reads and validates a `signal-client.yaml`. Relative paths are resolved against the file's directory. Never
 * throws for a bad or missing file: every problem is returned, with its path (`instances[0].pollingInterval`).
 */
export async function loadRuntimeConfig(
    path: string,
    env: NodeJS.ProcessEnv = process.env
): Promise<RuntimeConfigResult> {
    const sourcePath = resolve(path);
    let text: string;
    try {
        text = await readFile(sourcePath, 'utf8');
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
        return {
            ok: false,
            problems: [
                {
                    path: '',
                    message: `cannot read config file ${sourcePath}: ${why}`,
                    hint: 'create it or pass the right --config path'
                }
            ]
        };
    }
    return parseRuntimeConfig(text, { sourcePath, baseDir: dirname(sourcePath), env });
}

/**
 * Parses and validates the text of a runtime config: YAML syntax (with line:column), the schema (unknown keys
 * included, except inside `settings`), durations, unique ids, then resolves secret references in instance
 * settings and sink headers. Reports every problem at once; on success applies the defaults and collects the
 * secret values for redaction.
 */
export async function parseRuntimeConfig(
    text: string,
    options: ParseRuntimeConfigOptions
): Promise<RuntimeConfigResult> {
    const parsed = parseYaml(text);
    if (!parsed.ok) return parsed;
    const raw = parsed.value ?? {};
    const problems = [...validateSchema(raw)];
    if (!isObject(raw)) return { ok: false, problems: sortByPath(problems) };
    problems.push(...checkRuntimeConfig(raw));

    const references: SecretReferenceOptions = { baseDir: options.baseDir, env: options.env };
    const secrets = new Set<string>();
    const resolveAt = async (value: unknown, path: string): Promise<unknown> => {
        const resolved = await resolveSecretReferences(value, path, references);
        problems.push(...resolved.problems);
        for (const secret of [...resolved.secrets, ...secretLookingValues(resolved.value)]) secrets.add(secret);
        return resolved.value;
    };

    const instances: InstanceConfig[] = [];
    const rawInstances = Array.isArray(raw.instances) ? raw.instances : [];
    for (const [index, item] of rawInstances.entries()) {
        if (!isObject(item)) continue;
        const durations = Object.fromEntries(
            DURATION_FIELDS.filter(field => typeof item[field] === 'string').map(field => [
                field,
                item[field] as string
            ])
        );
        instances.push({
            id: item.id as string,
            connector: item.connector as string,
            enabled: item.enabled !== false,
            ...durations,
            ...(typeof item.protocolRetries === 'number' ? { protocolRetries: item.protocolRetries } : {}),
            settings: await resolveAt(item.settings ?? {}, `instances[${index}].settings`)
        });
    }
    const rawAdmin = isObject(raw.admin) ? raw.admin : {};
    const adminSecrets: { token?: string; secretKey?: string } = {};
    for (const field of ['token', 'secretKey'] as const) {
        if (typeof rawAdmin[field] !== 'string') continue;
        const value = (await resolveAt(rawAdmin[field], `admin.${field}`)) as string;
        if (value.trim().length < MIN_ADMIN_SECRET_LENGTH) {
            problems.push({
                path: `admin.${field}`,
                message: `must be at least ${MIN_ADMIN_SECRET_LENGTH} characters long`,
                hint: 'generate one, e.g. openssl rand -base64 32'
            });
        } else adminSecrets[field] = value.trim();
    }
    const rawSink = isObject(raw.sink) ? raw.sink : {};
    const headers = isObject(rawSink.headers) ? await resolveAt(rawSink.headers, 'sink.headers') : undefined;
    let group: { name: string; gid: number } | undefined;
    if (typeof rawSink.group === 'string' || typeof rawSink.group === 'number') {
        const gid = await resolveGroupId(rawSink.group);
        if (gid === undefined) {
            problems.push({
                path: 'sink.group',
                message: `group '${rawSink.group}' does not exist on this system`,
                hint: 'create it, or give its numeric id (a group only a directory service knows has no name here)'
            });
        } else group = { name: String(rawSink.group), gid };
    }
    if (problems.length > 0) return { ok: false, problems: sortByPath(problems) };

    const dataDir = resolve(options.baseDir, typeof raw.dataDir === 'string' ? raw.dataDir : './data');
    const admin = rawAdmin;
    const triggers = isObject(admin.manualTriggers) ? admin.manualTriggers : {};
    const config: RuntimeConfig = {
        ...(options.sourcePath === undefined ? {} : { sourcePath: options.sourcePath }),
        dataDir,
        sink: sinkConfig(rawSink, headers as Record<string, string> | undefined, group, dataDir, options.baseDir),
        admin: {
            enabled: admin.enabled !== false,
            listen: typeof admin.listen === 'string' ? admin.listen.trim() : DEFAULT_ADMIN_LISTEN,
            ...adminSecrets,
            allowedHosts: Array.isArray(admin.allowedHosts) ? (admin.allowedHosts as string[]).map(h => h.trim()) : [],
            publicMetrics: admin.publicMetrics === true,
            manualTriggers: {
                max: typeof triggers.max === 'number' ? triggers.max : DEFAULT_MANUAL_TRIGGERS.max,
                windowMs:
                    typeof triggers.window === 'string'
                        ? (parseDuration(triggers.window) ?? DEFAULT_MANUAL_TRIGGERS.windowMs)
                        : DEFAULT_MANUAL_TRIGGERS.windowMs
            }
        },
        ...(isObject(raw.log) ? { log: raw.log as RuntimeConfig['log'] } : {}),
        pluginDirs: (Array.isArray(raw.pluginDirs) ? (raw.pluginDirs as string[]) : []).map(dir =>
            resolve(options.baseDir, dir)
        ),
        maxConcurrentPolls:
            typeof raw.maxConcurrentPolls === 'number' ? raw.maxConcurrentPolls : DEFAULT_MAX_CONCURRENT_POLLS,
        secrets: [...secrets],
        instances
    };
    return { ok: true, config };
}

/** The sink with its defaults: JSONL under `<dataDir>/artifacts` unless the config says otherwise. */
function sinkConfig(
    raw: Record<string, unknown>,
    headers: Record<string, string> | undefined,
    group: { name: string; gid: number } | undefined,
    dataDir: string,
    baseDir: string
): SinkConfig {
    switch (raw.type) {
        case 'stdout':
            return { type: 'stdout' };
        case 'http':
            return {
                type: 'http',
                url: raw.url as string,
                ...(headers === undefined ? {} : { headers }),
                ...(raw.batchSize === undefined ? {} : { batchSize: raw.batchSize as number }),
                ...(raw.timeoutSeconds === undefined ? {} : { timeoutSeconds: raw.timeoutSeconds as number }),
                ...(raw.allowInsecureHttp === true ? { allowInsecureHttp: true } : {})
            };
        default:
            return {
                type: 'jsonl',
                path: typeof raw.path === 'string' ? resolve(baseDir, raw.path) : resolve(dataDir, 'artifacts'),
                ...(group === undefined ? {} : { group })
            };
    }
}

/** YAML to plain values; a syntax error becomes a problem that points at its line and column. */
function parseYaml(text: string): { ok: true; value: unknown } | { ok: false; problems: ConfigProblem[] } {
    const document = parseDocument(text);
    if (document.errors.length > 0) {
        const problems = document.errors.map(error => {
            const at = error.linePos?.[0];
            // The library's message ends in "at line L, column C:" and a source excerpt; keep its first sentence.
            const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
            return {
                path: '',
                message: `YAML syntax error${at === undefined ? '' : ` at ${at.line}:${at.col}`}: ${message}`
            };
        });
        return { ok: false, problems };
    }
    try {
        return { ok: true, value: document.toJS({ maxAliasCount: 100 }) };
    } catch (error) {
        return { ok: false, problems: [{ path: '', message: `YAML error: ${(error as Error).message}` }] };
    }
}

/** Problems sorted by path, indices compared as numbers (`instances[2]` before `instances[10]`), so each field's are together. */
function sortByPath(problems: ConfigProblem[]): ConfigProblem[] {
    const key = (path: string): string =>
        path.replace(/\[(\d+)\]/g, (_, index: string) => `[${index.padStart(6, '0')}]`);
    return [...problems].sort((a, b) => (key(a.path) < key(b.path) ? -1 : key(a.path) > key(b.path) ? 1 : 0));
}

function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}
