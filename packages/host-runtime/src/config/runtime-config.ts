import type { LogLevel, LogLineFormat } from '@signal-connectors/connector-sdk';

/** DI token for the loaded {@link RuntimeConfig}. */
export const RuntimeConfig = Symbol('RuntimeConfig');

/** Where delivered artifacts go. */
export type SinkConfig =
    | {
          type: 'jsonl';
          path: string;
          /** A group that may read the artifacts (files 0640, directories 0750); by default only the user (0600). */
          group?: { name: string; gid: number };
      }
    | { type: 'stdout' }
    | {
          type: 'http';
          url: string;
          headers?: Record<string, string>;
          batchSize?: number;
          timeoutSeconds?: number;
          /** Allows a plain `http://` URL to a host other than loopback (default false). */
          allowInsecureHttp?: boolean;
      };

/** One configured connector instance. */
export interface InstanceConfig {
    /** Unique across the config, e.g. `qualys-prod`. */
    id: string;
    /** The plugin's manifest id, e.g. `signal-client.qualys`. */
    connector: string;
    enabled: boolean;
    /** Overrides the manifest's default, e.g. `30m`. */
    pollingInterval?: string;
    /** Upper bound of the random delay before the first poll (default: 10% of the interval, at most 1m). */
    initialDelay?: string;
    /** A poll running longer than this is cancelled at the next batch boundary (default 6h). */
    pollTimeout?: string;
    /** Backoff retries after `protocol` failures in a row before waiting for the normal schedule (default 5). */
    protocolRetries?: number;
    /** Raw connector settings, secret references already resolved; validated by the plugin's `validateConfig`. */
    settings: unknown;
}

/** The admin listener: API, console and probes. */
export interface AdminConfig {
    enabled: boolean;
    /** `host:port`; loopback by default. */
    listen: string;
    /** The login and API token (a resolved secret reference); generated into the data directory when absent. */
    token?: string;
    /** Key material that encrypts the secrets of console-made instances; without it the console stores none. */
    secretKey?: string;
    /** Host names accepted in the `Host` header besides the listen address and `localhost` (DNS rebinding guard). */
    allowedHosts: string[];
    /** Serve `/metrics` without the token. */
    publicMetrics: boolean;
    /** Per instance: at most `max` connection tests and manual polls each per `windowMs`. */
    manualTriggers: { max: number; windowMs: number };
}

/** Manual triggers allowed per instance by default: enough for a person, far below a 300-calls-an-hour budget. */
export const DEFAULT_MANUAL_TRIGGERS = { max: 5, windowMs: 10 * 60_000 } as const;

/** An admin config with every optional part at its default. */
export function adminConfig(overrides: Partial<AdminConfig> & Pick<AdminConfig, 'listen'>): AdminConfig {
    return {
        enabled: true,
        allowedHosts: [],
        publicMetrics: false,
        manualTriggers: { ...DEFAULT_MANUAL_TRIGGERS },
        ...overrides
    };
}

/** The whole `signal-client.yaml`, validated, with defaults applied and relative paths resolved. */
export interface RuntimeConfig {
    /** Absolute path of the file it was loaded from (undefined for built-in configs). */
    sourcePath?: string;
    /** Absolute; holds the state database and, by default, the JSONL sink. */
    dataDir: string;
    sink: SinkConfig;
    admin: AdminConfig;
    /** Logging chosen in the file; the command line and the environment take precedence. */
    log?: { format?: LogLineFormat; level?: LogLevel };
    /** Extra directories searched for plugin packages. */
    pluginDirs: string[];
    /** Polls running at once across all instances (default 2). */
    maxConcurrentPolls: number;
    /** Secret values found while loading (inline or referenced), for log redaction. Never printed. */
    secrets: string[];
    instances: InstanceConfig[];
}

/** Polls run at once across all instances when the config sets no `maxConcurrentPolls`. */
export const DEFAULT_MAX_CONCURRENT_POLLS = 2;
