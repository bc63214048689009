import { ContainerModule } from 'inversify';
import { Connector, type ConnectorManifest } from '@signal-connectors/connector-sdk';
import type { FakeClock } from '@signal-connectors/connector-sdk/testing';
import { ConnectorHost, type ConnectorHostOptions } from '../composition/connector-host.js';
import { adminConfig, type InstanceConfig, type RuntimeConfig } from '../config/runtime-config.js';
import type { DiscoveredPlugin } from '../discovery/plugin-discovery.js';
import { RuntimeMetrics } from '../metrics/runtime-metrics.js';
import { InMemorySink } from './in-memory-sink.js';
import { InMemoryStateStore } from './in-memory-state-store.js';
import { PluginFixtures } from './plugin-fixtures.js';
import { createTestServices, type TestServices } from './test-sdk-module.js';

/** A plugin that exists only in memory: its "entry" is a module object handed to the host's importer. */
export interface VirtualPlugin {
    plugin: DiscoveredPlugin;
    module: { default: unknown };
}

/** A plugin for `id` whose ContainerModule binds `connector` (pass `module` to export something else). */
export function virtualPlugin(
    id: string,
    connector: Connector,
    manifest: Record<string, unknown> = {},
    module?: { default: unknown }
): VirtualPlugin {
    const packageDir = `/virtual/${id}`;
    return {
        plugin: {
            manifest: PluginFixtures.manifest(id, manifest) as unknown as ConnectorManifest,
            packageName: `@virtual/${id}`,
            packageVersion: '1.0.0',
            packageDir,
            entryPath: `${packageDir}/index.js`
        },
        module: module ?? {
            default: new ContainerModule(options => void options.bind(Connector).toConstantValue(connector))
        }
    };
}

/** A runtime config with these instances (enabled, unless they say otherwise). */
export function testConfig(
    instances: (Partial<InstanceConfig> & Pick<InstanceConfig, 'id' | 'connector'>)[],
    overrides: Partial<RuntimeConfig> = {}
): RuntimeConfig {
    return {
        dataDir: '/tmp/signal-test',
        sink: { type: 'stdout' },
        admin: adminConfig({ listen: '127.0.0.1:0' }),
        pluginDirs: [],
        maxConcurrentPolls: 2,
        secrets: [],
        instances: instances.map(instance => ({
            enabled: true,
            settings: { url: 'https://api.example.com' },
            ...instance
        })),
        ...overrides
    };
}

/** A composed host over in-memory state and sink, a fake clock and captured logs. */
export interface TestHost {
    host: ConnectorHost;
    state: InMemoryStateStore;
    sink: InMemorySink;
    metrics: RuntimeMetrics;
    services: TestServices;
    clock: FakeClock;
}

/** Composes `plugins` and `config` the way the CLI does, with test doubles for every host service (or `extra` ones). */
export async function createTestHost(
    plugins: VirtualPlugin[],
    config: RuntimeConfig,
    extra: Partial<ConnectorHostOptions> = {}
): Promise<TestHost> {
    const services = createTestServices();
    const state = new InMemoryStateStore();
    const sink = new InMemorySink();
    const metrics = new RuntimeMetrics({ clock: services.clock, processMetrics: false });
    const modules = new Map(plugins.map(p => [p.plugin.entryPath, p.module]));
    const host = await ConnectorHost.create({
        config,
        plugins: plugins.map(p => p.plugin),
        state,
        metrics,
        sdkModule: services.module,
        importer: async path => {
            const module = modules.get(path);
            if (module === undefined) throw new Error(`no virtual module at ${path}`);
            return module;
        },
        ...extra
    });
    return { host, state, sink, metrics, services, clock: services.clock };
}
