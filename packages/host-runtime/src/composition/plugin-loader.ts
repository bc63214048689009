import { pathToFileURL } from 'node:url';
import { Container, type ContainerModule } from 'inversify';
import {
    Connector,
    ConnectorMetrics,
    PluginManifest,
    PluginStore,
    type ConnectorManifest
} from '@signal-connectors/connector-sdk';
import type { DiscoveredPlugin } from '../discovery/plugin-discovery.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { StateStore } from '../state/state-store.js';

/** Loads a plugin's entry module; the default uses a dynamic `import()`. Tests may substitute modules. */
export type EntryImporter = (entryPath: string) => Promise<unknown>;

/** Imports an entry file as an ES module (CommonJS entries work too, through Node's interop). */
export const importEntry: EntryImporter = entryPath => import(pathToFileURL(entryPath).href);

/** A plugin whose module is loaded into its own child container, with `Connector` bound. */
export interface LoadedPlugin {
    plugin: DiscoveredPlugin;
    manifest: ConnectorManifest;
    /** Child of the root container: the plugin's bindings, its `PluginManifest` and `PluginStore`. */
    container: Container;
}

/** What loading a plugin needs from the host. */
export interface PluginLoadServices {
    root: Container;
    state: StateStore;
    metrics: HostMetrics;
    importer: EntryImporter;
}

/**
 * Imports a plugin's entry and loads its default export (a `ContainerModule`) into a child of the root
 * container, after binding the plugin's `PluginManifest`, `PluginStore` (`plugin:<id>` namespace) and
 * plugin-scoped `ConnectorMetrics`. Returns the loaded plugin, or the reason it cannot be used: an entry that
 * fails to import, exports something else, fails to load, or does not bind `Connector`. Never throws.
 */
export async function loadPlugin(
    plugin: DiscoveredPlugin,
    services: PluginLoadServices
): Promise<LoadedPlugin | { reason: string }> {
    const { manifest, entryPath } = plugin;
    let loaded: unknown;
    try {
        loaded = await services.importer(entryPath);
    } catch (error) {
        return { reason: `entry ${entryPath} failed to import: ${errorMessage(error)}` };
    }
    const module = isRecord(loaded) ? loaded.default : undefined;
    if (!isContainerModule(module)) {
        return {
            reason: `entry ${entryPath} must have a ContainerModule as its default export (export default new ContainerModule(...))`
        };
    }

    const container = new Container({ parent: services.root });
    container.bind(PluginManifest).toConstantValue(manifest);
    container.bind(PluginStore).toConstantValue(services.state.keyValueStore(`plugin:${manifest.id}`));
    container.bind(ConnectorMetrics).toConstantValue(services.metrics.forPlugin(manifest.id));
    try {
        await container.loadAsync(module);
    } catch (error) {
        return { reason: `the ContainerModule of ${entryPath} failed to load: ${errorMessage(error)}` };
    }
    if (!container.isCurrentBound(Connector)) {
        return {
            reason:
                `the ContainerModule of ${entryPath} does not bind the Connector token; bind it with ` +
                "options.bind(Connector).to(...) using the token of '@signal-connectors/connector-sdk' (a second copy of the " +
                "SDK in the plugin's own node_modules has different tokens)"
        };
    }
    return { plugin, manifest, container };
}

/** Duck-typed so that a module made by another copy of inversify is accepted as long as it behaves like one. */
function isContainerModule(value: unknown): value is ContainerModule {
    return isRecord(value) && typeof value.load === 'function' && typeof value.id === 'number';
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

function errorMessage(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
