import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { ConfigProblem, Logger } from '@signal-connectors/connector-sdk';
import { ConnectorHost } from '../composition/connector-host.js';
import { loadRuntimeConfig } from '../config/config-loader.js';
import { adminConfig, type InstanceConfig, type RuntimeConfig } from '../config/runtime-config.js';
import { resolveSecretReferences, secretLookingValues } from '../config/secret-references.js';
import type { DiscoveredPlugin } from '../discovery/plugin-discovery.js';
import { UNREAD_METRICS } from '../metrics/host-metrics.js';
import { silentLoggerFactory } from './cli-logging.js';
import { discover } from '../service/runtime-session.js';
import { TransientStateStore } from '../service/transient-state-store.js';

/** The outcome of {@link checkConfigFile}. */
export interface ConfigCheck {
    /** Absolute path of the file. */
    path: string;
    /** The loaded config, when the runtime's own checks passed. */
    config?: RuntimeConfig;
    /** Every problem, sorted by path; empty when the config is good. */
    problems: ConfigProblem[];
}

/**
 * Checks a config file as `run` would load it, reporting every problem at once: the runtime's own (YAML, schema,
 * durations, secret references...) and each instance's connector settings, validated by its plugin's
 * `validateConfig`. The plugins' checks also run when the runtime's failed, on every instance that can be read,
 * so that one pass over the file fixes everything. Nothing is polled or connected to; no secret is printed.
 */
export async function checkConfigFile(path: string, env: NodeJS.ProcessEnv, logger: Logger): Promise<ConfigCheck> {
    const absolute = resolve(path);
    const loaded = await loadRuntimeConfig(absolute, env);
    if (loaded.ok) {
        const { plugins } = await discover(loaded.config.pluginDirs, logger);
        const problems = await pluginProblems(loaded.config, plugins);
        return { path: absolute, config: loaded.config, problems: sortByPath(problems) };
    }
    const partial = await readableInstances(absolute, env);
    if (partial === undefined) return { path: absolute, problems: loaded.problems };
    const { plugins } = await discover(partial.config.pluginDirs, logger);
    const known = new Set(loaded.problems.map(problem => problem.path));
    const extra = (await pluginProblems(partial.config, plugins)).filter(problem => {
        const match = /^instances\[(\d+)\]\.(settings|connector)\b/.exec(problem.path);
        return match !== null && partial.readable.has(Number(match[1])) && !known.has(problem.path);
    });
    return { path: absolute, problems: sortByPath([...loaded.problems, ...extra]) };
}

/** The problems of composing every instance of `config` with its plugin, without polling or connecting. */
async function pluginProblems(config: RuntimeConfig, plugins: readonly DiscoveredPlugin[]): Promise<ConfigProblem[]> {
    const host = await ConnectorHost.create({
        config,
        plugins,
        state: new TransientStateStore(),
        metrics: UNREAD_METRICS,
        // The problems are the output; the host's log line for each would repeat them.
        loggerFactory: silentLoggerFactory()
    });
    host.close();
    return host.problems;
}

/**
 * The instances of a config the runtime refused, as far as they can be read (an object with a string `id` and
 * `connector`), with their secret references resolved; the others become placeholders, so every instance keeps
 * its index and its problems their paths. Undefined when the file is not even YAML.
 */
async function readableInstances(
    path: string,
    env: NodeJS.ProcessEnv
): Promise<{ config: RuntimeConfig; readable: Set<number> } | undefined> {
    let raw: unknown;
    try {
        const document = parseDocument(await readFile(path, 'utf8'));
        if (document.errors.length > 0) return undefined;
        raw = document.toJS({ maxAliasCount: 100 });
    } catch {
        return undefined;
    }
    const root = asObject(raw) ?? {};
    const baseDir = dirname(path);
    const readable = new Set<number>();
    const secrets: string[] = [];
    const instances: InstanceConfig[] = [];
    for (const [index, item] of (Array.isArray(root.instances) ? root.instances : []).entries()) {
        const instance = asObject(item);
        if (instance === undefined || typeof instance.id !== 'string' || typeof instance.connector !== 'string') {
            instances.push({ id: `\0unreadable-${index}`, connector: '\0none', enabled: false, settings: {} });
            continue;
        }
        const resolved = await resolveSecretReferences(instance.settings ?? {}, '', { baseDir, env });
        secrets.push(...resolved.secrets, ...secretLookingValues(resolved.value));
        instances.push({ id: instance.id, connector: instance.connector, enabled: true, settings: resolved.value });
        readable.add(index);
    }
    const pluginDirs = Array.isArray(root.pluginDirs) ? root.pluginDirs.filter(d => typeof d === 'string') : [];
    const config: RuntimeConfig = {
        dataDir: baseDir,
        sink: { type: 'stdout' },
        admin: adminConfig({ enabled: false, listen: '127.0.0.1:0' }),
        pluginDirs: pluginDirs.map(dir => resolve(baseDir, dir)),
        maxConcurrentPolls: 1,
        secrets,
        instances
    };
    return { config, readable };
}

/** Problems sorted by path, indices as numbers (`instances[2]` before `instances[10]`). */
function sortByPath(problems: ConfigProblem[]): ConfigProblem[] {
    const key = (path: string): string =>
        path.replace(/\[(\d+)\]/g, (_, index: string) => `[${index.padStart(6, '0')}]`);
    return [...problems].sort((a, b) => (key(a.path) < key(b.path) ? -1 : key(a.path) > key(b.path) ? 1 : 0));
}

function asObject(value: unknown): Record<string, unknown> | undefined {
    return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
}
