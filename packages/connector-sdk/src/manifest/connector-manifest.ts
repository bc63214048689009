import type { StreamDeclaration } from '../stream.js';

/** A JSON Schema object, as found in a manifest's `configSchema`. */
export type JsonSchema = Record<string, unknown>;

/**
 * An authentication method: `basic` (HTTP Basic on every call), `api_key`, `oauth2`, `token` (the username and
 * password are exchanged for a bearer token that the connector renews), `none`.
 */
export type ConnectorAuthMethod = 'basic' | 'api_key' | 'oauth2' | 'token' | 'none';

/** How a connector authenticates to its remote system. */
export interface ConnectorAuth {
    /** The default method. */
    method: ConnectorAuthMethod;
    /** Other methods an instance can choose in its settings. */
    alternatives?: ConnectorAuthMethod[];
}

/**
 * What a plugin declares about itself, in its package.json `signalConnector` field (or a `connector.json`
 * it points to). The catalog is built from manifests alone, without running plugin code.
 */
export interface ConnectorManifest {
    /** Globally unique, e.g. `signal-client.qualys`. */
    id: string;
    displayName: string;
    description: string;
    vendor: string;
    category: string;
    /** Semver range of the connector SDK the plugin was built against. */
    sdk: string;
    /** Module, relative to the package root, whose default export is the plugin's `ContainerModule`. */
    entry: string;
    auth: ConnectorAuth;
    /** JSON Schema of an instance's `settings`; secret fields are marked `writeOnly: true`. */
    configSchema: JsonSchema;
    defaults: {
        /** Duration such as `30m`, `1h`, `90s`. */
        pollingInterval: string;
    };
    /** Whether several instances may be configured. */
    multiInstance: boolean;
    /** What the connector collects, e.g. `host-detections`, `scans`. */
    capabilities: string[];
    /**
     * The streams the connector's `poll` yields, each with its own checkpoint and status. Optional: a manifest
     * without it has the single stream `default` (see `declaredStreams`).
     */
    streams?: StreamDeclaration[];
    docsUrl: string;
}
