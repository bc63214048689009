import { expect } from 'chai';
import type { SandboxRequestRecord } from '@signal-connectors/qualys-sandbox';
import { logLines } from './cli-process.spec.helper.js';
import { E2eEnvironment, findingKeyList } from './e2e-harness.spec.helper.js';
import { pollThroughFault, startFaultScene, type FaultOutcome } from './fault-scenario.spec.helper.js';

/** The host detection request after the faulted one: the retry (or resumption) of the faulted page. */
function retryOf(outcome: FaultOutcome): SandboxRequestRecord {
    const retry = outcome.requests[outcome.faultedAt + 1];
    expect(retry, 'the faulted page was asked again').to.not.equal(undefined);
    return retry;
}

/** Asserts the fault hit the 2nd page, mid-window, and that the page was asked again from its own start. */
function expectPageReRead(outcome: FaultOutcome, firstHostId: number): void {
    const [firstPage] = outcome.requests;
    const faulted = outcome.requests[outcome.faultedAt];
    expect(firstPage.params.id_min, 'the window starts at its first host').to.equal(undefined);
    expect(Number(faulted.params.id_min), 'the fault is mid-window').to.be.greaterThan(firstHostId);
    expect(retryOf(outcome).params.id_min).to.equal(faulted.params.id_min);
    expect(retryOf(outcome).params.vm_processed_before).to.equal(faulted.params.vm_processed_before);
}

/** Asserts one poll completed through the fault, and delivered every detection exactly once. */
function expectOneCleanPoll(outcome: FaultOutcome): void {
    expect(outcome.polls, 'one poll rode out the fault').to.have.length(1);
    const delivered = findingKeyList(outcome.artifacts);
    expect(delivered, 'no detection delivered twice').to.have.length(new Set(delivered).size);
}

describe('e2e: signal-client poll survives faults of the Qualys host detection API', () => {
    let e2e: E2eEnvironment | undefined;

    afterEach(async () => {
        await e2e?.close();
        e2e = undefined;
    });

    it('409 code 1965 (rate limit) with a 1 s wait: waits it out and completes', async () => {
        // The block says no call is left, so after it the connector also waits until the floor of calls kept for
        // people and other tools is back: with nothing else known, one window after the block. A 2 s window keeps
        // that short. (For what the floor does on a daily limit, see qualys-throttling.spec.ts.)
        e2e = await startFaultScene({ rateLimit: { limit: 300, windowSec: 2 } });
        const outcome = await pollThroughFault(e2e, {
            type: 'rate-limit',
            endpoint: 'hld',
            onRequest: 2,
            toWaitSec: 1
        });

        expectOneCleanPoll(outcome);
        expectPageReRead(outcome, e2e.sandbox.tenant.hostIdAt(0));
        const faulted = outcome.requests[outcome.faultedAt];
        expect(faulted).to.include({ status: 409, code: 1965 });
        expect(Date.parse(retryOf(outcome).at) - Date.parse(faulted.at), 'waited ToWait-Sec').to.be.at.least(900);
        expect(outcome.summaries[0].throttled).to.be.at.least(1);
        const warnings = logLines(outcome.polls[0].stderr).filter(line => line.level === 'warn');
        expect(warnings.map(line => line.message).join('\n')).to.match(/throttled the host_detection API.*1965/);
    });

    it('409 code 1960 (concurrency limit): backs off and completes', async () => {
        e2e = await startFaultScene();
        const outcome = await pollThroughFault(e2e, { type: 'concurrency-limit', endpoint: 'hld', onRequest: 2 });

        expectOneCleanPoll(outcome);
        expectPageReRead(outcome, e2e.sandbox.tenant.hostIdAt(0));
        expect(outcome.requests[outcome.faultedAt]).to.include({ status: 409, code: 1960 });
        expect(outcome.summaries[0].throttled).to.be.at.least(1);
    });

    it('HTTP 500 (internal error): retries the page and completes', async () => {
        e2e = await startFaultScene();
        const outcome = await pollThroughFault(e2e, { type: 'server-error', endpoint: 'hld', onRequest: 2 });

        expectOneCleanPoll(outcome);
        expectPageReRead(outcome, e2e.sandbox.tenant.hostIdAt(0));
        expect(outcome.requests[outcome.faultedAt].status).to.equal(500);
        expect(outcome.summaries[0].retries).to.be.at.least(1);
    });

    it('a connection reset half-way through a page: re-reads the page and completes', async () => {
        e2e = await startFaultScene();
        const outcome = await pollThroughFault(e2e, { type: 'reset', endpoint: 'hld', onRequest: 2, afterHosts: 10 });

        expectOneCleanPoll(outcome);
        expectPageReRead(outcome, e2e.sandbox.tenant.hostIdAt(0));
        expect(outcome.requests[outcome.faultedAt]).to.include({ completed: false, hostsWritten: 10 });
    });

    it('a truncated XML document: re-reads the page and completes', async () => {
        e2e = await startFaultScene();
        const outcome = await pollThroughFault(e2e, { type: 'truncate', endpoint: 'hld', onRequest: 2, afterHosts: 8 });

        expectOneCleanPoll(outcome);
        expectPageReRead(outcome, e2e.sandbox.tenant.hostIdAt(0));
        expect(outcome.requests[outcome.faultedAt]).to.include({ status: 200, hostsWritten: 8 });
    });

    it('a SIMPLE_RETURN 1999 (maintenance) sent with HTTP 200: retries the page and completes', async () => {
        e2e = await startFaultScene();
        const outcome = await pollThroughFault(e2e, {
            type: 'simple-return',
            endpoint: 'hld',
            onRequest: 2,
            status: 200,
            code: 1999,
            text: 'We are performing scheduled maintenance on our System. Please try again later.'
        });

        expectOneCleanPoll(outcome);
        expectPageReRead(outcome, e2e.sandbox.tenant.hostIdAt(0));
        expect(outcome.requests[outcome.faultedAt]).to.include({ status: 200, code: 1999 });
    });

    it('a SIMPLE_RETURN 2001 (account expired) with HTTP 200: fails cleanly, and the next poll resumes and completes', async () => {
        e2e = await startFaultScene();
        const outcome = await pollThroughFault(e2e, {
            type: 'simple-return',
            endpoint: 'hld',
            onRequest: 2,
            status: 200,
            code: 2001,
            text: 'This account has expired.'
        });

        expect(outcome.polls).to.have.length(2);
        const failed = outcome.polls[0].stdout;
        expect(failed).to.match(
            /error \(auth\): stream 'host_detections' failed: Qualys error 2001: This account has expired\./
        );
        // The other streams went on: the scan list was read and delivered in the failed poll.
        expect(failed).to.match(/streams: knowledge_base complete \(\d+\), host_detections failed, scans complete/);
        expect(failed).to.match(/hint: .*account has expired.*administrator/);
        expect(outcome.summaries[0].error).to.deep.include({ kind: 'auth' });
        // A fatal answer is not retried: the failed poll asked for the page once, the next poll asks for it again.
        expectPageReRead(outcome, e2e.sandbox.tenant.hostIdAt(0));
        expect(outcome.requests.slice(0, outcome.faultedAt + 1).map(r => r.fault)).to.deep.equal([
            undefined,
            'simple-return'
        ]);
        expect(outcome.summaries[1].resumedFrom?.nextIdMin).to.equal(
            Number(outcome.requests[outcome.faultedAt].params.id_min)
        );
    });

    it('a slow first byte (1.5 s): waits for it and completes without retrying', async () => {
        e2e = await startFaultScene();
        const outcome = await pollThroughFault(e2e, {
            type: 'slow-first-byte',
            endpoint: 'hld',
            onRequest: 2,
            delayMs: 1500
        });

        expectOneCleanPoll(outcome);
        expect(outcome.requests[outcome.faultedAt]).to.include({ status: 200, completed: true });
        expect(outcome.requests[outcome.faultedAt].durationMs).to.be.at.least(1500);
        expect(outcome.requests, 'no page asked twice').to.have.length(3);
        expect(outcome.summaries[0]).to.include({ retries: 0, pages: 3 });
    });
});
