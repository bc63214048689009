/**
 * DI tokens the host binds in the containers it builds. Host services (`Clock`, `LoggerFactory`,
 * `HttpClientFactory`, `ConnectorMetrics`) live in the root container; a plugin's child container holds
 * its `PluginManifest` and `PluginStore`; an instance's child container holds its `InstanceContext`.
 *
 * Every SDK token (these, `Connector`, `Clock`, `LoggerFactory`, `HttpClientFactory`, `KeyValueStore`,
 * `ConnectorMetrics`) is a Symbol of the global registry, `Symbol.for('@signal-connectors/connector-sdk:<Name>')`:
 * a plugin whose own `node_modules` holds another copy of the SDK (its peer dependency, installed for its own
 * build and tests) then binds and injects the very tokens the host uses. A plain `Symbol()` would be unique to
 * each copy, and the host would find no `Connector` bound.
 */

/** The manifest of the plugin whose container this is. */
export const PluginManifest = Symbol.for('@signal-connectors/connector-sdk:PluginManifest');

/** The plugin-scoped key-value store (a `KeyValueStore`). */
export const PluginStore = Symbol.for('@signal-connectors/connector-sdk:PluginStore');

/** The `ConnectorContext` of one configured instance. */
export const InstanceContext = Symbol.for('@signal-connectors/connector-sdk:InstanceContext');

/** Id of the configured instance whose container this is (a string). */
export const InstanceId = Symbol.for('@signal-connectors/connector-sdk:InstanceId');
