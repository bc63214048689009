import { Container, type ContainerModule } from 'inversify';
import {
    Clock,
    connectorSdkModule,
    ConnectorMetrics,
    HttpClientFactory,
    LoggerFactory,
    SecretRedactor,
    type ConfigProblem,
    type ConnectionReport,
    type ConnectorManifest,
    type Logger
} from '@signal-connectors/connector-sdk';
import type { InstanceConfig, RuntimeConfig } from '../config/runtime-config.js';
import { buildCatalog, type CatalogEntry } from '../discovery/catalog.js';
import type { DiscoveredPlugin, SkippedPlugin } from '../discovery/plugin-discovery.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { StateStore } from '../state/state-store.js';
import { composeInstance, type HostInstance, type InstanceServices } from './instance-composer.js';
import {
    importEntry,
    loadPlugin,
    type EntryImporter,
    type LoadedPlugin,
    type PluginLoadServices
} from './plugin-loader.js';

/** What {@link ConnectorHost.create} composes. */
export interface ConnectorHostOptions {
    config: RuntimeConfig;
    /** From `discoverPlugins`. */
    plugins: readonly DiscoveredPlugin[];
    state: StateStore;
    metrics: HostMetrics;
    /** Binds `Clock`, `LoggerFactory`, `HttpClientFactory` in the root container; default the SDK's `connectorSdkModule`. */
    sdkModule?: ContainerModule;
    /**
     * The logger factory to use instead of the module's, e.g. the one the CLI already logs discovery with, so
     * that every line shares one output and one set of redacted secrets.
     */
    loggerFactory?: LoggerFactory;
    /** Loads plugin entries; default a dynamic `import()`. */
    importer?: EntryImporter;
    /** Connectors of instances kept outside the config (the console's): their plugins are loaded too. */
    connectorsInUse?: readonly string[];
}

/**
 * The composed runtime: a root container with the host services, one child container per loaded plugin and one
 * grandchild per configured instance. The root holds only what the SDK's tokens name (`Clock`, `LoggerFactory`,
 * `HttpClientFactory`, `ConnectorMetrics`): every plugin container descends from it, so the runtime's own
 * objects (its config with every secret, the state store, the sink, the runtime metrics) stay outside and are
 * handed explicitly to the code that needs them. Only the plugins an instance uses are loaded (their code runs);
 * the others are known from their manifests alone, for the catalog. One broken plugin or one bad instance never
 * stops the others: a plugin that cannot be loaded is logged and listed in `skipped`, an instance with a bad config
 * is left out and its problems listed in `problems` (the CLI decides whether to start anyway).
 */
export class ConnectorHost {
    private readonly shutdown = new AbortController();
    private readonly byId = new Map<string, HostInstance>();
    private services?: InstanceServices;

    private constructor(
        /** The root container. */
        readonly container: Container,
        readonly loggerFactory: LoggerFactory,
        readonly logger: Logger,
        readonly clock: Clock,
        private readonly redactor: SecretRedactor,
        /** Plugins loaded (those a configured instance uses), in discovery order. */
        readonly plugins: LoadedPlugin[],
        /** Every plugin discovered, loaded or not. */
        private readonly discovered: readonly DiscoveredPlugin[],
        /** Plugins discovered but not loaded (their entry failed). */
        readonly skipped: SkippedPlugin[],
        /** Instances composed, in config order. */
        readonly instances: HostInstance[],
        /** Every problem of the instances left out. */
        readonly problems: ConfigProblem[],
        private readonly loading: PluginLoadServices
    ) {}

    /** Builds the containers, loads the plugins configured instances use and composes every configured instance. */
    static async create(options: ConnectorHostOptions): Promise<ConnectorHost> {
        const { config, state, metrics } = options;
        const root = new Container();
        await root.loadAsync(options.sdkModule ?? connectorSdkModule);
        if (options.loggerFactory !== undefined) {
            root.rebind<LoggerFactory>(LoggerFactory).toConstantValue(options.loggerFactory);
        }
        // Plugin and instance containers bind their own scoped metrics; this one only serves host-level services.
        root.bind(ConnectorMetrics).toConstantValue(metrics.forInstance('', ''));

        const loggerFactory = root.get<LoggerFactory>(LoggerFactory);
        const redactor = new SecretRedactor();
        // Registered before anything is logged: the config's own secrets (inline or resolved references).
        for (const secret of config.secrets) {
            redactor.registerSecret(secret);
            loggerFactory.registerSecret(secret);
        }
        metrics.setRedaction(text => redactor.redactString(text));
        const logger = loggerFactory.create({ component: 'host' });
        const clock = root.get<Clock>(Clock);

        const host = new ConnectorHost(
            root,
            loggerFactory,
            logger,
            clock,
            redactor,
            [],
            options.plugins,
            [],
            [],
            [],
            { root, state, metrics, importer: options.importer ?? importEntry }
        );
        const used = new Set([...config.instances.map(instance => instance.connector), ...(options.connectorsInUse ?? [])]);
        for (const plugin of options.plugins.filter(plugin => used.has(plugin.manifest.id))) await host.load(plugin);
        host.composeInstances(config, options.plugins, state, metrics, root.get<HttpClientFactory>(HttpClientFactory));
        return host;
    }

    /**
     * Loads the plugin of `connectorId` if it is discovered and not loaded yet (an instance made in the console may
     * use a plugin no configured instance did). A plugin that fails to load is logged and listed in `skipped`.
     */
    async use(connectorId: string): Promise<void> {
        if (this.plugins.some(loaded => loaded.manifest.id === connectorId)) return;
        if (this.skipped.some(plugin => plugin.id === connectorId)) return;
        const plugin = this.discovered.find(candidate => candidate.manifest.id === connectorId);
        if (plugin !== undefined) await this.load(plugin);
    }

    /** The manifest of a discovered connector, loaded or not. */
    manifestOf(connectorId: string): ConnectorManifest | undefined {
        return this.discovered.find(plugin => plugin.manifest.id === connectorId)?.manifest;
    }

    /** The composed instance with this id, if any. */
    instance(id: string): HostInstance | undefined {
        return this.byId.get(id);
    }

    /** The catalog of every discovered plugin, from manifests alone (less those whose code failed to load). */
    catalog(): CatalogEntry[] {
        const failed = new Set(this.skipped.map(plugin => plugin.packageDir));
        return buildCatalog(this.discovered.filter(plugin => !failed.has(plugin.packageDir)));
    }

    /** Aborts when {@link close} is called; every instance context carries it. */
    get signal(): AbortSignal {
        return this.shutdown.signal;
    }

    /** Replaces every registered secret in `text`, for output that does not go through a logger. */
    redact(text: string): string {
        return this.redactor.redactString(text);
    }

    /** A JSON-friendly copy of `value` with secrets replaced, for API responses. */
    redactValue<T>(value: T): T {
        return this.redactor.redactValue(value) as T;
    }

    /**
     * Runs the instance's connection test with its validated config. Never throws for a known instance: a plugin
     * that throws yields a failed report. The report is scrubbed of secrets.
     */
    async testConnection(instanceId: string): Promise<ConnectionReport> {
        const instance = this.byId.get(instanceId);
        if (instance === undefined) throw new Error(`unknown instance '${instanceId}'`);
        return this.testInstance(instance);
    }

    /** {@link testConnection} of an instance composed with {@link compose}. */
    async testInstance(instance: HostInstance): Promise<ConnectionReport> {
        let report: ConnectionReport;
        try {
            report = await instance.connector.testConnection(instance.settings, instance.context);
        } catch (error) {
            report = {
                ok: false,
                errorKind: 'transient',
                message: `unexpected error in plugin: ${(error as Error).message}`,
                hint: 'report this to the plugin maintainers, with the log'
            };
        }
        return this.redactValue(report);
    }

    /**
     * Composes an instance that is not in the config (one made in the console) with its plugin, the way configured
     * ones are: its settings validated by the plugin, its secrets registered for redaction. The host does not keep
     * it: the caller schedules it. Problems carry paths as `instances[index].…`.
     */
    compose(instance: InstanceConfig, index: number): HostInstance | { problems: ConfigProblem[] } {
        const plugin = this.plugins.find(loaded => loaded.manifest.id === instance.connector);
        if (plugin === undefined) {
            return { problems: [{ path: `instances[${index}].connector`, message: `unknown connector '${instance.connector}'` }] };
        }
        return composeInstance(instance, index, plugin, this.services!);
    }

    /** Imports a plugin into its own container, or records (and logs) why it cannot be used. */
    private async load(plugin: DiscoveredPlugin): Promise<void> {
        const loaded = await loadPlugin(plugin, this.loading);
        if (!('reason' in loaded)) {
            this.plugins.push(loaded);
            return;
        }
        const reason = this.redactor.redactString(loaded.reason);
        this.skipped.push({
            packageDir: plugin.packageDir,
            packageName: plugin.packageName,
            id: plugin.manifest.id,
            reasons: [reason]
        });
        this.logger.warn(
            `Skipping connector plugin ${plugin.manifest.id} at ${plugin.packageDir} (${plugin.packageName}): ${reason}`,
            { connector: plugin.manifest.id, packageDir: plugin.packageDir }
        );
    }

    /** Aborts every instance context's signal; connectors still running stop at their next safe point. */
    close(): void {
        this.shutdown.abort(new Error('the host is shutting down'));
    }

    private composeInstances(
        config: RuntimeConfig,
        discovered: readonly DiscoveredPlugin[],
        state: StateStore,
        metrics: HostMetrics,
        http: HttpClientFactory
    ): void {
        const pluginsById = new Map(this.plugins.map(loaded => [loaded.manifest.id, loaded]));
        const services = {
            loggerFactory: this.loggerFactory,
            clock: this.clock,
            http,
            state,
            metrics,
            redactor: this.redactor,
            signal: this.shutdown.signal
        };
        this.services = services;
        const firstOfConnector = new Map<string, string>();
        const seenIds = new Set<string>();
        config.instances.forEach((instance, index) => {
            const at = (path: string): string => `instances[${index}].${path}`;
            if (seenIds.has(instance.id)) {
                this.problems.push({
                    path: at('id'),
                    message: `duplicate instance id '${instance.id}'`,
                    hint: 'give every instance its own id'
                });
                return;
            }
            seenIds.add(instance.id);
            const plugin = pluginsById.get(instance.connector);
            if (plugin === undefined) {
                this.problems.push(this.unknownConnector(instance.connector, at('connector'), discovered));
                return;
            }
            const first = firstOfConnector.get(instance.connector);
            if (first !== undefined && !plugin.manifest.multiInstance) {
                this.problems.push({
                    path: at('connector'),
                    message: `connector '${instance.connector}' allows only one instance, and '${first}' already uses it`,
                    hint: 'remove one of the instances'
                });
                return;
            }
            firstOfConnector.set(instance.connector, instance.id);
            const composed = composeInstance(instance, index, plugin, services);
            if ('problems' in composed) {
                this.problems.push(...composed.problems);
                return;
            }
            this.instances.push(composed);
            this.byId.set(composed.id, composed);
        });
        for (const problem of this.problems) {
            this.logger.error(
                `Config problem at ${problem.path}: ${problem.message}${problem.hint === undefined ? '' : ` (${problem.hint})`}`,
                { path: problem.path }
            );
        }
    }

    private unknownConnector(id: string, path: string, discovered: readonly DiscoveredPlugin[]): ConfigProblem {
        const skipped = this.skipped.find(plugin => plugin.id === id);
        if (skipped !== undefined) {
            return {
                path,
                message: `connector '${id}' is installed but could not be loaded: ${skipped.reasons.join('; ')}`
            };
        }
        const known = discovered.map(plugin => plugin.manifest.id);
        return {
            path,
            message: `unknown connector '${id}'`,
            hint:
                known.length === 0
                    ? 'no connector plugin is installed; install one (npm install <plugin>) or add its directory to pluginDirs'
                    : `installed connectors: ${known.join(', ')}`
        };
    }
}
