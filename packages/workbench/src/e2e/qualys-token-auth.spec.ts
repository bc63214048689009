import { expect } from 'chai';
import type { CliResult } from './cli-process.spec.helper.js';
import { E2eEnvironment, findingKeyList, readTree, runSummaries, waitUntil } from './e2e-harness.spec.helper.js';

/** How every sandbox token starts: the base64url of its JOSE header. */
const TOKEN_PREFIX = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** Asserts that no output and (after a poll) no file under the data directory holds a token. */
async function expectNoToken(e2e: E2eEnvironment, outputs: CliResult[], polled = true): Promise<void> {
    for (const result of outputs) expect(result.stdout + result.stderr).not.to.contain(TOKEN_PREFIX);
    if (!polled) return;
    const files = await readTree(e2e.dataDir);
    expect(files.map(file => file.path)).to.include(`${e2e.dataDir}/state.db`);
    for (const file of files) expect(file.bytes.includes(TOKEN_PREFIX), file.path).to.equal(false);
}

describe('e2e: token authentication against a subscription without Basic', function () {
    this.timeout(60_000);
    let e2e: E2eEnvironment | undefined;

    afterEach(async () => {
        await e2e?.close();
        e2e = undefined;
    });

    it('tests the connection with a gateway token and says so; Basic is refused there', async () => {
        e2e = await E2eEnvironment.start({
            sandbox: { hosts: 10, detectionsPerHost: 2, basicAuth: false },
            settings: { authMethod: 'token' }
        });
        const test = await e2e.cli(['test', 'qualys-test']);
        expect(test.code, test.stdout + test.stderr).to.equal(0);
        expect(test.stdout).to.contain('(token authentication)');
        expect(e2e.sandbox.requests.count('auth')).to.equal(1);
        // The same subscription refuses Basic credentials, as its administrator turned them off.
        const basic = await fetch(`${e2e.sandbox.url}/api/5.0/fo/asset/host/vm/detection/?action=list`, {
            headers: {
                authorization: `Basic ${Buffer.from(`sandbox_user:${E2eEnvironment.PASSWORD}`).toString('base64')}`,
                'x-requested-with': 'e2e'
            }
        });
        expect(basic.status).to.equal(401);
        await expectNoToken(e2e, [test], false);
    });

    it('polls across a token expiry, renewing the token before Qualys would refuse it', async () => {
        e2e = await E2eEnvironment.start({
            sandbox: { hosts: 45, detectionsPerHost: 3, basicAuth: false, tokenLifetimeSec: 4 },
            truncationLimit: 15,
            settings: { authMethod: 'token' }
        });
        // The second page takes longer than a token lives: the third needs a new one.
        e2e.sandbox.faults.inject({ type: 'slow-first-byte', endpoint: 'hld', onRequest: 2, delayMs: 5000 });

        const poll = await e2e.poll('--log-level', 'debug');

        expect(poll.code, poll.stdout + poll.stderr).to.equal(0);
        const artifacts = await e2e.artifacts();
        expect(new Set(findingKeyList(artifacts))).to.deep.equal(e2e.expectedKeys());
        expect(e2e.sandbox.requests.count('hld')).to.equal(3);
        expect(e2e.sandbox.tokens.issued, 'a login, then a renewal before the expiry').to.be.at.least(2);
        expect(e2e.sandbox.tokens.rejected, 'no call was refused: the token was renewed in time').to.equal(0);
        const [summary] = runSummaries(artifacts);
        expect(summary.apiCalls.gateway_auth).to.equal(e2e.sandbox.tokens.issued);
        await expectNoToken(e2e, [poll]);
    });

    it('logs in again and repeats the call when Qualys refuses a token mid-poll', async () => {
        e2e = await E2eEnvironment.start({
            sandbox: { hosts: 45, detectionsPerHost: 3, basicAuth: false },
            truncationLimit: 15,
            settings: { authMethod: 'token' }
        });
        e2e.sandbox.faults.inject({ type: 'slow-first-byte', endpoint: 'hld', onRequest: 2, delayMs: 2500 });
        const polling = e2e.startCli(['poll', 'qualys-test']);
        // Once the second page was let in, every token issued so far is revoked: the third page is refused.
        await waitUntil(() => e2e!.sandbox.requests.all('hld')[1]?.fault === 'slow-first-byte', 'the second page');
        e2e.sandbox.tokens.revokeAll();

        const poll = await polling.exited;

        expect(poll.code, poll.stdout + poll.stderr).to.equal(0);
        expect(new Set(findingKeyList(await e2e.artifacts()))).to.deep.equal(e2e.expectedKeys());
        expect(e2e.sandbox.tokens.rejected).to.equal(1);
        expect(e2e.sandbox.tokens.issued).to.equal(2);
        // The one refused call (whichever came first after the revocation) was followed by a login and a repeat.
        const requests = e2e.sandbox.requests.all();
        const refused = requests.findIndex(request => request.status === 401);
        expect(requests.filter(request => request.status === 401)).to.have.length(1);
        expect(requests[refused + 1]).to.include({ endpoint: 'auth', status: 201 });
        expect(requests[refused + 2]).to.include({ endpoint: requests[refused].endpoint, status: 200 });
        await expectNoToken(e2e, [poll]);
    });
});
