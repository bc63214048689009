import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatCount } from '@signal-connectors/connector-sdk';
import type { RuntimeConfig } from '@signal-connectors/host-runtime';
import { DEMO_INSTANCE_ID, DEMO_TENANT } from './demo-config.js';

/** The example config a user copies to poll a real Qualys subscription. */
export const EXAMPLE_CONFIG_PATH = fileURLToPath(
    new URL('../../../../examples/signal-client.example.yaml', import.meta.url)
);

/** What the banner tells. */
export interface DemoBannerFacts {
    config: RuntimeConfig;
    sandboxUrl: string;
    /** Undefined when the admin API is off. */
    adminUrl?: string;
    /** The console's one-time login link. */
    loginUrl?: string;
    /** Where the admin token is kept. */
    tokenFile?: string;
    /** Whether the state holds a checkpoint from an earlier demo. */
    resuming: boolean;
    /** The polls the demo stops after, if limited. */
    polls?: number;
    /** Whether only warnings are logged (the default on a terminal, where progress and summaries say the rest). */
    quietLogs: boolean;
    cwd: string;
}

/**
 * The demo's banner: that the data is SANDBOX data from a synthetic tenant, where artifacts and state go (and that
 * an earlier demo's checkpoint is resumed), the admin URLs, how to point at a real Qualys, and how to stop.
 */
export function formatDemoBanner(facts: DemoBannerFacts): string {
    const { config, cwd } = facts;
    const show = (path: string): string => {
        const rel = relative(cwd, path);
        return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
    };
    const instance = config.instances[0];
    const artifacts = config.sink.type === 'jsonl' ? join(config.sink.path, DEMO_INSTANCE_ID) : config.dataDir;
    const tenant =
        `${formatCount(DEMO_TENANT.hosts)} hosts x ${DEMO_TENANT.detectionsPerHost} detections, ` +
        `${formatCount(DEMO_TENANT.kbSize)} KnowledgeBase QIDs`;
    const lines = [
        '',
        '=== signal-client demo: SANDBOX DATA ===',
        `This polls a synthetic Qualys tenant (${tenant}) served by the built-in sandbox at ${facts.sandboxUrl}.`,
        'Nothing here comes from a real Qualys subscription.',
        '',
        `  Instance   ${instance.id} (${instance.connector}), polled now and every ${instance.pollingInterval};`,
        '             the sandbox tenant changes after each poll, so later polls deliver only what changed',
        `  Artifacts  ${show(artifacts)}/<YYYY-MM-DD>.jsonl (JSON lines: OCSF findings, KnowledgeBase, scans, run summaries)`,
        `  State      ${show(join(config.dataDir, 'state.db'))}: ${
            facts.resuming
                ? `resuming from the last checkpoint (delete ${show(config.dataDir)}/ to start over)`
                : 'no checkpoint yet, the first poll is a full sync'
        }`,
        ...(facts.adminUrl === undefined
            ? ['  Admin API  off']
            : [
                  `  Admin API  ${facts.adminUrl}  (/healthz /readyz /metrics /api/instances /api/catalog; Bearer token)`,
                  `  Console    ${facts.loginUrl ?? facts.adminUrl}`,
                  '             (a one-time login link: open it in a browser to watch and add integrations)',
                  ...(facts.tokenFile === undefined ? [] : [`  API token  in ${show(facts.tokenFile)} (mode 0600)`])
              ]),
        ...(facts.quietLogs
            ? ["  Logs       warnings only; 'npm start -- --log-level info' shows the service's log"]
            : []),
        '',
        'To poll a real Qualys subscription instead:',
        `  cp ${show(EXAMPLE_CONFIG_PATH)} signal-client.yaml    # then set host and username in it`,
        "  export QUALYS_PASSWORD='...'",
        '  npm start -- --config signal-client.yaml',
        '',
        facts.polls === undefined
            ? 'Ctrl-C stops (a poll in flight stops at its next batch boundary; twice exits at once).'
            : `Stops after ${facts.polls} polls (Ctrl-C stops earlier).`,
        ''
    ];
    return `${lines.join('\n')}\n`;
}
