import { Container } from 'inversify';
import {
    Connector,
    ConnectorMetrics,
    declaredStreams,
    InstanceContext,
    InstanceId,
    KeyValueStore,
    parseDuration,
    secretValues,
    type Clock,
    type ConfigProblem,
    type ConnectorContext,
    type HttpClientFactory,
    type LoggerFactory,
    type SecretRedactor
} from '@signal-connectors/connector-sdk';
import type { InstanceConfig } from '../config/runtime-config.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import { DEFAULT_POLL_TIMEOUT_MS } from '../scheduler/poll-events.js';
import type { ScheduledInstance } from '../scheduler/scheduler.js';
import type { StateStore } from '../state/state-store.js';
import type { LoadedPlugin } from './plugin-loader.js';

/** A configured instance, composed: its container, connector, validated settings and context. */
export interface HostInstance extends ScheduledInstance {
    readonly config: InstanceConfig;
    /** Position in the config's `instances`, for problem paths. */
    readonly index: number;
    readonly plugin: LoadedPlugin;
    /** Child of the plugin's container: `InstanceId`, `InstanceContext`, `KeyValueStore`, `ConnectorMetrics`. */
    readonly container: Container;
    readonly pollTimeoutMs: number;
    /** The ids of the streams the plugin's manifest declares (`default` when it declares none). */
    readonly streams: readonly string[];
}

/** The host services an instance is composed from. */
export interface InstanceServices {
    loggerFactory: LoggerFactory;
    clock: Clock;
    http: HttpClientFactory;
    state: StateStore;
    metrics: HostMetrics;
    redactor: SecretRedactor;
    /** Aborts when the host shuts down. */
    signal: AbortSignal;
}

/**
 * Composes one instance in a child of its plugin's container and validates its settings with the plugin's own
 * `validateConfig`. The values of the schema's secret fields are registered for redaction before anything else
 * happens (a problem message may quote them), then the secrets `validateConfig` returns. Returns the instance or
 * every problem, paths prefixed `instances[i].`.
 */
export function composeInstance(
    config: InstanceConfig,
    index: number,
    plugin: LoadedPlugin,
    services: InstanceServices
): HostInstance | { problems: ConfigProblem[] } {
    const at = (path: string): string => `instances[${index}].${path}`;
    const { manifest } = plugin;
    const registerSecret = (value: string): void => {
        services.redactor.registerSecret(value);
        services.loggerFactory.registerSecret(value);
    };
    for (const secret of secretValues(manifest.configSchema, config.settings)) registerSecret(secret);

    const problems: ConfigProblem[] = [];
    const duration = (
        field: 'pollingInterval' | 'initialDelay' | 'pollTimeout',
        text: string | undefined
    ): number | undefined => {
        if (text === undefined) return undefined;
        const ms = parseDuration(text);
        if (ms === undefined || (field !== 'initialDelay' && ms <= 0)) {
            problems.push({
                path: at(field),
                message: `'${text}' is not a duration`,
                hint: "write e.g. '30m', '4h' or '90s'"
            });
        }
        return ms;
    };
    const pollingIntervalMs =
        duration('pollingInterval', config.pollingInterval) ?? parseDuration(manifest.defaults.pollingInterval)!;
    const initialDelayMs = duration('initialDelay', config.initialDelay);
    const pollTimeoutMs = duration('pollTimeout', config.pollTimeout) ?? DEFAULT_POLL_TIMEOUT_MS;

    const context: ConnectorContext = {
        connectorId: manifest.id,
        instanceId: config.id,
        logger: services.loggerFactory.create({ connector: manifest.id, instance: config.id }),
        clock: services.clock,
        signal: services.signal,
        http: services.http,
        store: services.state.keyValueStore(`instance:${config.id}`),
        pluginStore: services.state.keyValueStore(`plugin:${manifest.id}`),
        metrics: services.metrics.forInstance(manifest.id, config.id)
    };
    const container = new Container({ parent: plugin.container });
    container.bind(InstanceId).toConstantValue(config.id);
    container.bind(InstanceContext).toConstantValue(context);
    container.bind(KeyValueStore).toConstantValue(context.store);
    container.bind(ConnectorMetrics).toConstantValue(context.metrics);

    let connector: Connector;
    try {
        // Resolved from the instance container, so a connector may inject its InstanceContext.
        connector = container.get<Connector>(Connector);
    } catch (error) {
        problems.push({
            path: at('connector'),
            message: `connector '${manifest.id}' could not be created: ${services.redactor.redactString((error as Error).message)}`
        });
        return { problems };
    }

    let settings: unknown;
    try {
        const validation = connector.validateConfig(config.settings);
        if (validation.ok) {
            settings = validation.config;
            for (const secret of validation.secrets) registerSecret(secret);
        } else {
            for (const problem of validation.problems)
                problems.push(prefixed(problem, at('settings'), services.redactor));
        }
    } catch (error) {
        problems.push({
            path: at('settings'),
            message: `could not be validated (unexpected error in plugin: ${services.redactor.redactString((error as Error).message)})`
        });
    }
    if (problems.length > 0) return { problems };

    return {
        id: config.id,
        connectorId: manifest.id,
        enabled: config.enabled,
        pollingIntervalMs,
        ...(initialDelayMs === undefined ? {} : { initialDelayMs }),
        ...(config.protocolRetries === undefined ? {} : { protocolRetries: config.protocolRetries }),
        pollTimeoutMs,
        streams: declaredStreams(manifest).map(stream => stream.id),
        connector,
        settings,
        context,
        config,
        index,
        plugin,
        container
    };
}

/** A plugin's problem with its path put under `prefix` and its text scrubbed. */
function prefixed(problem: ConfigProblem, prefix: string, redactor: SecretRedactor): ConfigProblem {
    const path =
        problem.path === ''
            ? prefix
            : problem.path.startsWith('[')
              ? `${prefix}${problem.path}`
              : `${prefix}.${problem.path}`;
    return {
        path,
        message: redactor.redactString(problem.message),
        ...(problem.hint === undefined ? {} : { hint: redactor.redactString(problem.hint) })
    };
}
