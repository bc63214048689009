import { join, resolve } from 'node:path';
import { adminConfig, type RuntimeConfig } from '@signal-connectors/host-runtime';

/** The demo's one instance. */
export const DEMO_INSTANCE_ID = 'qualys-demo';

/** The demo's admin API; when the port is taken, a free one is used instead. */
export const DEMO_ADMIN_LISTEN = '127.0.0.1:9464';

/**
 * The synthetic tenant the demo polls: big enough that paging shows (3 pages of 100 hosts), small enough that a
 * full sync takes seconds.
 */
export const DEMO_TENANT = { hosts: 300, detectionsPerHost: 12, kbSize: 400, truncationLimit: 100 } as const;

/** Options of {@link demoConfig}. */
export interface DemoConfigOptions {
    /** `./data` under it holds the state and the artifacts. */
    cwd: string;
    /** The sandbox's address and the credentials it accepts. */
    sandbox: { url: string; credentials: { username: string; password: string } };
    /** e.g. `1m`, or `2s` when the demo runs a fixed number of polls. */
    pollingInterval: string;
}

/**
 * The demo's runtime config, built in memory: state and JSONL artifacts under `./data`, the admin API on
 * loopback, and one Qualys instance pointing at the sandbox, polled at once and then every `pollingInterval`.
 * The dataDir is fixed on purpose: a second demo resumes from the checkpoint the first one left.
 */
export function demoConfig(options: DemoConfigOptions): RuntimeConfig {
    const dataDir = resolve(options.cwd, 'data');
    const { username, password } = options.sandbox.credentials;
    return {
        dataDir,
        sink: { type: 'jsonl', path: join(dataDir, 'artifacts') },
        admin: adminConfig({ listen: DEMO_ADMIN_LISTEN }),
        pluginDirs: [],
        maxConcurrentPolls: 1,
        secrets: [password],
        instances: [
            {
                id: DEMO_INSTANCE_ID,
                connector: 'signal-client.qualys',
                enabled: true,
                pollingInterval: options.pollingInterval,
                // A demo should show something at once, not after a random start-up delay.
                initialDelay: '0s',
                settings: {
                    host: options.sandbox.url,
                    username,
                    password,
                    truncationLimit: DEMO_TENANT.truncationLimit
                }
            }
        ]
    };
}
