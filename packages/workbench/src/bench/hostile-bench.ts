#!/usr/bin/env node
/**
 * `npm run bench:hostile`: every hostile response of the Qualys sandbox through one real `signal-client poll`
 * (60 hosts x 6 detections in 3 pages of 20; the fault on the 2nd host detection page, or on the first
 * KnowledgeBase or scan list call), with the CLI process's peak RSS and the poll's wall time, next to a poll
 * without a fault. Prints a Markdown table: case, peak RSS, outcome, time to recover (the extra wall time the
 * fault cost over the poll without one).
 */
import type { SandboxFault } from '@signal-connectors/qualys-sandbox';
import { E2eEnvironment, findingKeyList, runSummaries, type MeasuredPoll } from '../e2e/e2e-harness.spec.helper.js';

interface HostileCase {
    name: string;
    fault?: SandboxFault;
}

const CASES: HostileCase[] = [
    { name: 'no fault (reference)' },
    {
        name: 'entity declarations (billion laughs), page 2',
        fault: { type: 'entity-declarations', endpoint: 'hld', onRequest: 2 }
    },
    {
        name: 'external entity (file:///etc/passwd), page 2',
        fault: { type: 'external-entity', endpoint: 'hld', onRequest: 2 }
    },
    { name: 'deep nesting (100,000 levels), page 2', fault: { type: 'deep-nesting', endpoint: 'hld', onRequest: 2 } },
    {
        name: 'huge text node (256 MB RESULTS), page 2',
        fault: { type: 'huge-text', endpoint: 'hld', onRequest: 2, sizeMb: 256 }
    },
    {
        name: 'huge skipped element (256 MB), page 2',
        fault: { type: 'huge-skipped', endpoint: 'hld', onRequest: 2, sizeMb: 256 }
    },
    {
        name: 'entity declarations, KnowledgeBase',
        fault: { type: 'entity-declarations', endpoint: 'kb', onRequest: 1 }
    },
    { name: 'deep nesting, KnowledgeBase', fault: { type: 'deep-nesting', endpoint: 'kb', onRequest: 1 } },
    {
        name: 'huge skipped element (256 MB), scan list',
        fault: { type: 'huge-skipped', endpoint: 'scans', sizeMb: 256 }
    }
];

interface Row {
    name: string;
    poll: MeasuredPoll;
    outcome: string;
}

async function run(testCase: HostileCase): Promise<Row> {
    const e2e = await E2eEnvironment.start({ sandbox: { hosts: 60, detectionsPerHost: 6 }, truncationLimit: 20 });
    try {
        if (testCase.fault !== undefined) e2e.sandbox.faults.inject(testCase.fault);
        const poll = await e2e.measuredPoll({}, 300_000);
        const artifacts = await e2e.artifacts();
        const delivered = new Set(findingKeyList(artifacts));
        const expected = e2e.expectedKeys();
        const complete = [...expected].every(key => delivered.has(key));
        const [summary] = runSummaries(artifacts);
        const cut = JSON.stringify(artifacts).includes('"resultsCut"') ? ', RESULTS cut and flagged' : '';
        const outcome =
            poll.result.code === 0
                ? `${summary?.outcome ?? '?'} in 1 poll, ${summary?.retries ?? 0} retries, ` +
                  `${delivered.size}/${expected.size} detections${complete ? '' : ' (MISSING SOME)'}${cut}`
                : `exit ${poll.result.code}: ${poll.result.stdout.split('\n').find(line => line.includes('error')) ?? ''}`;
        return { name: testCase.name, poll, outcome };
    } finally {
        await e2e.close();
    }
}

const rows: Row[] = [];
for (const testCase of CASES) {
    process.stderr.write(`${testCase.name}...\n`);
    rows.push(await run(testCase));
}
const reference = rows[0].poll.wallMs;
const seconds = (ms: number): string => (ms / 1000).toFixed(1);
console.log('| case | peak RSS | outcome | poll time | time to recover |');
console.log('| --- | ---: | --- | ---: | ---: |');
for (const row of rows) {
    const recover = row === rows[0] ? '-' : `${seconds(Math.max(0, row.poll.wallMs - reference))} s`;
    const rss = `${Math.round(row.poll.peakRssBytes / (1024 * 1024))} MiB`;
    console.log(`| ${row.name} | ${rss} | ${row.outcome} | ${seconds(row.poll.wallMs)} s | ${recover} |`);
}
