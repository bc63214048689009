import { resolve } from 'node:path';
import type { Logger, LoggerFactory } from '@signal-connectors/connector-sdk';
import { ConnectorHost } from '../composition/connector-host.js';
import type { HostInstance } from '../composition/instance-composer.js';
import { loadRuntimeConfig } from '../config/config-loader.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { discoverPlugins, type DiscoveryResult } from '../discovery/plugin-discovery.js';
import { installationNodeModules } from '../discovery/runtime-installation.js';
import { type HostMetrics, UNREAD_METRICS } from '../metrics/host-metrics.js';
import { createSink, dataDirModeFor } from '../sink/create-sink.js';
import { isInstanceStore } from '../state/instance-store.js';
import { SqliteStateStore } from '../state/sqlite-state-store.js';
import type { StateStore } from '../state/state-store.js';
import { StateStoreError } from '../state/state-store-error.js';
import { problemsError, plural, ServiceError } from './service-error.js';
import { CountingSink, NO_SINK } from './counting-sink.js';
import { RUNTIME_PACKAGE_DIR } from './runtime-paths.js';
import { reportFatalErrorsTo } from './fatal-error-reporter.js';
import { TransientStateStore } from './transient-state-store.js';

/** What {@link RuntimeSession.open} opens. */
export interface RuntimeSessionOptions {
    /** The config: a file to load, or a config built in memory (the demo). */
    config: { path: string } | { built: RuntimeConfig };
    /** Every logger of the session comes from it; the config's secrets are registered with it first. */
    loggerFactory: LoggerFactory;
    env: NodeJS.ProcessEnv;
    /**
     * `persistent`: the state database (locked for the session) and the configured sink, to poll;
     * `transient`: state in memory and no sink, to compose instances without touching `dataDir` (`test`).
     */
    mode: 'persistent' | 'transient';
    /** Called with the loaded config before anything is logged, e.g. to apply its `log` section. */
    onConfig?: (config: RuntimeConfig) => void;
    /**
     * Where connectors report their metrics: the service passes the metrics it serves on the admin API's
     * `/metrics`. A one-off command passes none: nobody would read them, so they are dropped ({@link UNREAD_METRICS}).
     */
    metrics?: HostMetrics;
}

/** Loads a runtime config for a command, or throws a {@link ServiceError} listing every problem of the file. */
export async function loadConfigOrFail(path: string, env: NodeJS.ProcessEnv): Promise<RuntimeConfig> {
    const loaded = await loadRuntimeConfig(path, env);
    if (loaded.ok) return loaded.config;
    const count = plural(loaded.problems.length, 'problem');
    throw problemsError(`config ${resolve(path)} has ${count}:`, loaded.problems);
}

/** Finds the connector plugins installed with the runtime and in the configured `pluginDirs`, nowhere else. */
export async function discover(pluginDirs: readonly string[], logger: Logger): Promise<DiscoveryResult> {
    return discoverPlugins({ nodeModulesDirs: await installationNodeModules(RUNTIME_PACKAGE_DIR), pluginDirs, logger });
}

/**
 * Everything a command needs to work with configured instances: the config, the discovered plugins, the state
 * store, the sink (wrapped to count artifacts by type) and the composed {@link ConnectorHost}.
 * Opening fails with a {@link ServiceError} for a config with problems or a state database that is locked or corrupt.
 */
export class RuntimeSession {
    private closed = false;

    private constructor(
        readonly config: RuntimeConfig,
        readonly loggerFactory: LoggerFactory,
        readonly logger: Logger,
        readonly discovery: DiscoveryResult,
        readonly state: StateStore,
        readonly sink: CountingSink,
        readonly host: ConnectorHost
    ) {}

    /** Loads the config, discovers plugins, opens state and sink and composes every instance. */
    static async open(options: RuntimeSessionOptions): Promise<RuntimeSession> {
        const config =
            'built' in options.config ? options.config.built : await loadConfigOrFail(options.config.path, options.env);
        const { loggerFactory } = options;
        options.onConfig?.(config);
        // Before the first line is logged: a secret must never reach the output, even in a discovery warning.
        for (const secret of config.secrets) loggerFactory.registerSecret(secret);
        const logger = loggerFactory.create({ component: 'cli' });
        reportFatalErrorsTo(logger);
        const discovery = await discover(config.pluginDirs, logger);
        const persistent = options.mode === 'persistent';
        const state = persistent
            ? openStateStore(config.dataDir, logger, dataDirModeFor(config.sink, config.dataDir))
            : new TransientStateStore();
        try {
            const sink = new CountingSink(
                persistent ? createSink(config.sink, { dataDir: config.dataDir, logger }) : NO_SINK
            );
            const host = await ConnectorHost.create({
                config,
                plugins: discovery.plugins,
                state,
                metrics: options.metrics ?? UNREAD_METRICS,
                loggerFactory,
                // The console's instances are configured too: their plugins are loaded with the file's.
                connectorsInUse: isInstanceStore(state) ? state.listInstances().map(stored => stored.connector) : []
            });
            return new RuntimeSession(config, loggerFactory, logger, discovery, state, sink, host);
        } catch (error) {
            state.close();
            throw error;
        }
    }

    /**
     * The composed instance with this id. Throws a {@link ServiceError} listing the known ids when there is none, or
     * the instance's problems when its config is bad.
     */
    instance(id: string): HostInstance {
        const composed = this.host.instance(id);
        if (composed !== undefined) return composed;
        const index = this.config.instances.findIndex(instance => instance.id === id);
        if (index >= 0) {
            const prefix = `instances[${index}]`;
            const problems = this.host.problems.filter(p => p.path === prefix || p.path.startsWith(`${prefix}.`));
            throw problemsError(`instance '${id}' cannot be used: its configuration has problems:`, problems);
        }
        const known = this.config.instances.map(instance => instance.id);
        const where = this.config.sourcePath ?? 'the config';
        throw new ServiceError(`unknown instance '${id}'`, {
            details: [known.length === 0 ? `${where} configures no instances` : `known instances: ${known.join(', ')}`]
        });
    }

    /**
     * Aborts what still runs, flushes and closes the sink, and closes the state store (releasing the data
     * directory). With `force` the sink is not waited for: a write that hangs must not hang the exit, and a batch
     * that was not acknowledged is replayed from its checkpoint anyway. Idempotent.
     */
    async close(options: { force?: boolean } = {}): Promise<void> {
        if (this.closed) return;
        this.closed = true;
        this.host.close();
        try {
            if (options.force !== true) await this.sink.close();
        } finally {
            this.state.close();
        }
    }
}

/**
 * Opens the state database; a locked, corrupt or unwritable one becomes a {@link ServiceError} with its advice.
 * `dataDirMode` is the data directory's mode (see `dataDirModeFor`; default 0700).
 */
export function openStateStore(dataDir: string, logger: Logger, dataDirMode?: number): SqliteStateStore {
    try {
        return new SqliteStateStore({ dataDir, logger, dataDirMode });
    } catch (error) {
        if (error instanceof StateStoreError) throw new ServiceError(error.message, { cause: error });
        throw error;
    }
}
