/**
 * DI tokens the host binds in the containers it builds. Host services (`Clock`, `LoggerFactory`,
 * `HttpClientFactory`, `ConnectorMetrics`) live in the root container; a plugin's child container holds
 * its `PluginManifest` and `PluginStore`; an instance's child container holds its `InstanceContext`.
 */

/** The manifest of the plugin whose container this is. */
export const PluginManifest = Symbol('PluginManifest');

/** The plugin-scoped key-value store (a `KeyValueStore`). */
export const PluginStore = Symbol('PluginStore');

/** The `ConnectorContext` of one configured instance. */
export const InstanceContext = Symbol('InstanceContext');

/** Id of the configured instance whose container this is (a string). */
export const InstanceId = Symbol('InstanceId');
