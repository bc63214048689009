import { expect } from 'chai';
import type { Artifact } from '@signal-connectors/connector-sdk';
import type { SandboxEndpoint, SandboxFault, SandboxRequestRecord } from '@signal-connectors/qualys-sandbox';
import type { CliResult } from './cli-process.spec.helper.js';
import {
    E2eEnvironment,
    findingKeyList,
    runSummaries,
    type E2eOptions,
    type RunSummaryData
} from './e2e-harness.spec.helper.js';

/** How a poll through an injected fault went. */
export interface FaultOutcome {
    /** Every poll run, in order: those that failed (cleanly), then the one that completed. */
    polls: CliResult[];
    artifacts: Artifact<Record<string, unknown>>[];
    /** One per poll, in order. */
    summaries: RunSummaryData[];
    /** The requests to the faulted endpoint, in order. */
    requests: SandboxRequestRecord[];
    /** Index in `requests` of the request the fault was applied to. */
    faultedAt: number;
}

/**
 * Asserts that a poll failed cleanly: exit 1, the summary's error line with its kind and a hint, no stack trace
 * or crash report in the output.
 */
export function expectCleanFailure(result: CliResult): void {
    const output = result.stdout + result.stderr;
    expect(result.code, output).to.equal(1);
    expect(result.signal).to.equal(null);
    expect(result.stdout, output).to.match(/^Poll of qualys-test failed after /);
    expect(result.stdout, output).to.match(/^ {2}error \(\w+\): .+$/m);
    expect(result.stdout, output).to.match(/^ {2}hint: .+$/m);
    expect(output, 'no stack trace').to.not.match(/^\s+at .+:\d+:\d+\)?$/m);
    expect(output).to.not.match(/Unhandled|uncaught/i);
}

/**
 * Injects `fault` into a fresh sandbox scene, then polls through the real CLI until a poll completes (at most
 * `maxPolls` polls; each failed poll must have failed cleanly). Asserts what every fault scenario must end with:
 * the fault fired, the last poll completed, and the union of every poll's findings is the tenant's full set.
 */
export async function pollThroughFault(
    e2e: E2eEnvironment,
    fault: SandboxFault & { endpoint: SandboxEndpoint },
    maxPolls = 2
): Promise<FaultOutcome> {
    e2e.sandbox.faults.inject(fault);
    const polls: CliResult[] = [];
    for (let i = 0; i < maxPolls; i++) {
        const result = await e2e.poll();
        polls.push(result);
        if (result.code === 0) break;
        expectCleanFailure(result);
    }
    const last = polls[polls.length - 1];
    expect(last.code, `the poll after the fault completes:\n${last.stdout}\n${last.stderr}`).to.equal(0);
    expect(e2e.sandbox.faults.pending(), 'the fault fired').to.deep.equal([]);
    expect(e2e.sandbox.faults.fired().map(fired => fired.type)).to.deep.equal(Array(fault.times ?? 1).fill(fault.type));

    const artifacts = await e2e.artifacts();
    expect(new Set(findingKeyList(artifacts)), 'every detection delivered, nothing extra').to.deep.equal(
        e2e.expectedKeys()
    );
    const summaries = runSummaries(artifacts);
    // A failed poll is `failed` when every stream failed, `partial` when some completed.
    expect(summaries.map(summary => (summary.outcome === 'partial' ? 'failed' : summary.outcome))).to.deep.equal([
        ...Array(polls.length - 1).fill('failed'),
        'complete'
    ]);
    const requests = e2e.sandbox.requests.all(fault.endpoint);
    const faultedAt = requests.findIndex(request => request.fault === fault.type);
    expect(faultedAt, 'the faulted request is in the log').to.equal((fault.onRequest ?? 1) - 1);
    return { polls, artifacts, summaries, requests, faultedAt };
}

/** Starts a scene for a fault test: 60 hosts x 6 detections in 3 host detection pages of 20. */
export function startFaultScene(sandbox: E2eOptions['sandbox'] = {}): Promise<E2eEnvironment> {
    return E2eEnvironment.start({ sandbox: { hosts: 60, detectionsPerHost: 6, ...sandbox }, truncationLimit: 20 });
}
