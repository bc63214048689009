#!/usr/bin/env node
/**
 * `npm run bench:reconcile [-- hosts ...]`: what a host reconciliation costs at a size (default 10,000 then
 * 100,000 hosts, 2 detections each), through the real CLI. For each size, against a sandbox in its own process:
 * a first `signal-client poll` delivers every finding (and records every host in the ledger, in the state
 * database); 1% of the hosts with findings are purged; a second poll (a new process) runs the reconciliation.
 * Printed per size: the second poll's Host List calls, removed hosts and closing updates, its time and its peak
 * RSS beside the first poll's. Bounded memory shows as a peak that does not grow with the number of hosts. Needs
 * `python3`, which measures each process.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { formatMB, formatNumber, formatSeconds } from './bench-stats.js';
import { runPoll, type SandboxEndpoint } from './poll-run.js';
import { startSandboxProcess } from './sandbox-process.js';

const POLL_TIMEOUT_MS = 30 * 60_000;
/** Due at every poll; scans and the KnowledgeBase are left out, they have nothing to do with it. */
const SETTINGS = { hostReconciliationInterval: '1s', scans: false, kbEnrichment: false };
const PAGE_HOSTS = 5000;

/** The ids of the hosts whose findings the polls in `workDir` delivered, ascending (read from the JSONL sink). */
async function deliveredHostIds(workDir: string): Promise<number[]> {
    const dir = join(workDir, 'data', 'artifacts', 'bench');
    const ids = new Set<number>();
    for (const name of (await readdir(dir)).filter(file => file.endsWith('.jsonl'))) {
        for await (const line of createInterface({ input: createReadStream(join(dir, name)) })) {
            if (!line.includes('"type":"ocsf.vulnerability_finding"')) continue;
            ids.add(Number((JSON.parse(line) as { data: { device: { uid: string } } }).data.device.uid));
        }
    }
    return [...ids].sort((a, b) => a - b);
}

/**
 * Purges every 100th host among those with findings delivered (a host without any never reaches the ledger:
 * there is nothing of it to close) through the sandbox's admin API; returns how many.
 */
async function purgeOnePercent(sandbox: SandboxEndpoint, workDir: string): Promise<number> {
    const purged = (await deliveredHostIds(workDir)).filter((_, index) => index % 100 === 0);
    const response = await fetch(`${sandbox.url}/__sandbox/purge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hostIds: purged })
    });
    if (!response.ok) throw new Error(`the sandbox purge answered HTTP ${response.status}`);
    return purged.length;
}

async function measure(hosts: number): Promise<string> {
    const sandbox = await startSandboxProcess({ hosts, detectionsPerHost: 2, resultsSize: 0, seed: 1 });
    const workDir = await mkdtemp(join(tmpdir(), 'reconcile-bench-'));
    try {
        console.error(`${formatNumber(hosts)} hosts: first poll (every finding, every host into the ledger)`);
        const first = await runPoll(sandbox, PAGE_HOSTS, workDir, POLL_TIMEOUT_MS, SETTINGS);
        const purged = await purgeOnePercent(sandbox, workDir);
        // The interval is a second: the next poll's reconciliation is due.
        await new Promise(resolve => setTimeout(resolve, 1100));
        console.error(`${formatNumber(hosts)} hosts: second poll (${formatNumber(purged)} hosts purged)`);
        const second = await runPoll(sandbox, PAGE_HOSTS, workDir, POLL_TIMEOUT_MS, SETTINGS);
        const found = second.reconciliation;
        if (found?.hostsRemoved !== purged || !found.completed) {
            throw new Error(`the reconciliation found ${JSON.stringify(found)}, not the ${purged} hosts purged`);
        }
        return (
            `| ${formatNumber(hosts)} | ${formatNumber(first.detections)} | ${formatMB(first.maxRssBytes)} | ` +
            `${formatNumber(purged)} | ${formatNumber(found.findingsClosed)} | ${second.apiCalls.host_list ?? 0} | ` +
            `${formatSeconds(second.wallMs)} | ${formatMB(second.maxRssBytes)} |`
        );
    } finally {
        sandbox.stop();
        await rm(workDir, { recursive: true, force: true });
    }
}

const sizes = process.argv.slice(2).map(Number);
if (sizes.some(size => !Number.isSafeInteger(size) || size < 100)) {
    console.error('usage: npm run bench:reconcile [-- hosts ...]   (each a whole number of hosts, at least 100)');
    process.exit(2);
}
const rows: string[] = [];
for (const size of sizes.length > 0 ? sizes : [10_000, 100_000]) rows.push(await measure(size));
console.log(
    `\nHost reconciliation through signal-client poll: 2 detections per host, ${formatNumber(PAGE_HOSTS)} hosts per ` +
        'detection page, Host List pages of 25,000 ids, 1% of the hosts with findings purged before the second poll.\n'
);
console.log(
    '| hosts | findings (first poll) | first poll peak RSS | purged | findings closed | Host List calls | ' +
        'reconciling poll time | its peak RSS |'
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
