import { Clock, Connector, connectorSdkModule, InstanceId, LoggerFactory } from '@signal-connectors/connector-sdk';
import { CapturedLogger } from '@signal-connectors/connector-sdk/testing';
import { Container } from 'inversify';
import { SubscriptionLimiterRegistry } from '../client/subscription-limiter-registry.js';
import { qualysPluginModule } from '../qualys-plugin-module.js';
import type { QualysConnector } from '../qualys-connector.js';

/** The containers the host builds for this plugin: the root (SDK services) and the plugin's child. */
export interface PluginContainers {
    root: Container;
    plugin: Container;
    /** What the shared limiters logged (they log through the root's `LoggerFactory`). */
    logger: CapturedLogger;
}

/**
 * Loads the plugin the way the host does: `connectorSdkModule` in a root container, the plugin's
 * `ContainerModule` in a child of it. The root's loggers are captured rather than written to stderr, and
 * `clock` replaces the SDK's system clock, e.g. with a fake one.
 */
export async function pluginContainers(clock?: Clock): Promise<PluginContainers> {
    const root = new Container();
    await root.load(connectorSdkModule);
    const logger = new CapturedLogger();
    const loggers: LoggerFactory = {
        create: (labels = {}) => logger.child(Object.fromEntries(Object.entries(labels).filter(isDefined))),
        registerSecret: () => undefined
    };
    await root.unbind(LoggerFactory);
    root.bind<LoggerFactory>(LoggerFactory).toConstantValue(loggers);
    if (clock !== undefined) {
        await root.unbind(Clock);
        root.bind<Clock>(Clock).toConstantValue(clock);
    }
    const plugin = new Container({ parent: root });
    await plugin.load(qualysPluginModule);
    return { root, plugin, logger };
}

/** The connector of one configured instance, resolved from its own child of the plugin container. */
export function instanceConnector(plugin: Container, instanceId: string): QualysConnector {
    const instance = new Container({ parent: plugin });
    instance.bind(InstanceId).toConstantValue(instanceId);
    return instance.get<QualysConnector>(Connector);
}

/** The limiter registry a connector was built with (a private field: what the container injected). */
export function registryOf(connector: QualysConnector): SubscriptionLimiterRegistry {
    return (connector as unknown as { limiters: SubscriptionLimiterRegistry }).limiters;
}

function isDefined(entry: [string, string | undefined]): entry is [string, string] {
    return entry[1] !== undefined;
}
