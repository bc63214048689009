import { expect } from 'chai';
import type { CliResult } from './cli-process.spec.helper.js';
import { E2eEnvironment, findingKeyList, readTree } from './e2e-harness.spec.helper.js';

/** The forms a password could leak in: as typed, and inside a Basic `Authorization` header. */
function leakForms(username: string, password: string): string[] {
    return [password, Buffer.from(`${username}:${password}`).toString('base64')];
}

/** Asserts that no CLI output and no file under the data directory holds any of `secrets`. */
async function expectNowhere(e2e: E2eEnvironment, secrets: string[], outputs: CliResult[]): Promise<void> {
    for (const [i, result] of outputs.entries()) {
        for (const secret of secrets) {
            expect(result.stdout, `stdout of command ${i + 1}`).to.not.contain(secret);
            expect(result.stderr, `stderr of command ${i + 1}`).to.not.contain(secret);
        }
    }
    const files = await readTree(e2e.dataDir);
    // The scan is only meaningful if the state database (and its journal, if any) were among the files read.
    expect(files.map(file => file.path)).to.include(`${e2e.dataDir}/state.db`);
    for (const file of files) {
        for (const secret of secrets) {
            expect(file.bytes.includes(Buffer.from(secret, 'utf8')), `${secret} in ${file.path}`).to.equal(false);
            expect(file.bytes.includes(Buffer.from(secret, 'utf16le')), `${secret} in ${file.path}`).to.equal(false);
        }
    }
}

describe('e2e: signal-client with Qualys credentials', () => {
    let e2e: E2eEnvironment | undefined;

    afterEach(async () => {
        await e2e?.close();
        e2e = undefined;
    });

    it('fails `test` on a wrong password with an actionable message, and the password shows up nowhere', async () => {
        const wrong = 'Wr0ng-E2e-Secret-Zq9xLm4T';
        e2e = await E2eEnvironment.start({
            sandbox: { hosts: 12, detectionsPerHost: 3 },
            configuredPassword: wrong
        });

        const test = await e2e.cli(['test', 'qualys-test', '--log-level', 'debug']);
        expect(test.code, test.stdout + test.stderr).to.equal(1);
        expect(test.stdout).to.match(/^qualys-test \(signal-client\.qualys\): connection FAILED \(auth\b/);
        expect(test.stdout).to.match(/username or password|credentials|login/i);
        expect(test.stdout).to.match(/^ {2}hint: .*(password|credentials).*$/im);

        const poll = await e2e.poll('--log-level', 'debug');
        expect(poll.code, poll.stdout + poll.stderr).to.equal(1);
        expect(poll.stdout).to.match(/^ {2}error \(auth\): .+$/m);
        expect(poll.stdout).to.match(/^ {2}hint: .*password.*$/im);
        expect(poll.stderr, 'debug logging was on').to.match(/"level":"debug"/);
        expect(findingKeyList(await e2e.artifacts())).to.deep.equal([]);

        const status = await e2e.cli(['status', '--log-level', 'debug']);
        const statusJson = await e2e.cli(['status', 'qualys-test', '--json', '--log-level', 'debug']);
        expect(status.stdout).to.match(/qualys-test: last error at .*: auth: /);
        expect(JSON.parse(statusJson.stdout).instances[0].lastError).to.include({ kind: 'auth' });

        const { username, password } = e2e.sandbox.credentials;
        await expectNowhere(
            e2e,
            [...leakForms(username, wrong), ...leakForms(username, password)],
            [test, poll, status, statusJson]
        );
    });

    it('keeps the right password out of a debug-logged poll, its artifacts and its state', async () => {
        e2e = await E2eEnvironment.start({ sandbox: { hosts: 12, detectionsPerHost: 3 }, truncationLimit: 5 });

        const poll = await e2e.poll('--log-level', 'debug');
        expect(poll.code, poll.stdout + poll.stderr).to.equal(0);
        expect(new Set(findingKeyList(await e2e.artifacts()))).to.deep.equal(e2e.expectedKeys());
        const status = await e2e.cli(['status', '--json', '--log-level', 'debug']);

        const { username, password } = e2e.sandbox.credentials;
        await expectNowhere(e2e, leakForms(username, password), [poll, status]);
    });
});
