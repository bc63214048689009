import { expect } from 'chai';
import type { CliResult } from './cli-process.spec.helper.js';
import { E2eEnvironment, findingKeyList } from './e2e-harness.spec.helper.js';
import { expectCleanFailure } from './fault-scenario.spec.helper.js';

describe('e2e: signal-client poll on a subscription with a daily rate limit', () => {
    let e2e: E2eEnvironment | undefined;

    afterEach(async () => {
        await e2e?.close();
        e2e = undefined;
    });

    it('after a 409 1965 asking for a 1 s wait, does not sit for hours: completes, or fails as rate_limited', async () => {
        // 30 host detection calls a day: the floor of calls kept for people and other tools is back in the window
        // hours later, longer than the 30 min a call may sit out before it must fail as rate_limited.
        e2e = await E2eEnvironment.start({
            sandbox: { hosts: 60, detectionsPerHost: 6, rateLimits: { hld: { limit: 30, windowSec: 86_400 } } },
            truncationLimit: 20
        });
        e2e.sandbox.faults.inject({ type: 'rate-limit', endpoint: 'hld', onRequest: 2, toWaitSec: 1 });

        const poll = e2e.startCli(['poll', 'qualys-test']);
        const result = await Promise.race([
            poll.exited,
            new Promise<undefined>(resolve => setTimeout(() => resolve(undefined), 8_000))
        ]);
        if (result === undefined) poll.child.kill('SIGKILL');
        const outcome: CliResult = result ?? (await poll.exited);
        const hld = e2e.sandbox.requests.all('hld');
        expect(
            result,
            `the poll still ran 8 s after Qualys asked for a 1 s wait; its last log line: ` +
                `${poll.stderr().trim().split('\n').at(-1)}; host detection calls: ` +
                hld.map(r => `${r.status}${r.code === undefined ? '' : `/${r.code}`}`).join(', ')
        ).to.not.equal(undefined);
        if (outcome.code === 0) {
            expect(new Set(findingKeyList(await e2e.artifacts()))).to.deep.equal(e2e.expectedKeys());
        } else {
            expectCleanFailure(outcome);
            expect(outcome.stdout).to.match(/error \(rate_limited\): /);
        }
    });
});
