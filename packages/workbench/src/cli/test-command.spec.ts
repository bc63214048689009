import { expect } from 'chai';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import { runCli, tempDir, writeTestConfig } from '../e2e/cli-process.spec.helper.js';

describe('signal-client test', () => {
    const password = 'Sandbox-Secret-2468';
    let sandbox: QualysSandbox;
    let dir: { path: string; remove: () => Promise<void> };

    before(async () => {
        sandbox = await QualysSandbox.start({ hosts: 5, detectionsPerHost: 2, password });
        dir = await tempDir('signal-test');
        await writeTestConfig(dir.path, { sandboxUrl: sandbox.url });
    });

    after(async () => {
        await sandbox.close();
        await dir.remove();
    });

    it('exits 0 and prints the report (latency, rate limits) when the connection works', async () => {
        const result = await runCli(['test', 'qualys-test'], { cwd: dir.path, env: { QUALYS_PASSWORD: password } });

        expect(result.code, result.stdout + result.stderr).to.equal(0);
        expect(result.stdout).to.match(/^qualys-test \(signal-client\.qualys\): connection OK \(\d+(\.\d)?m?s\)/);
        expect(result.stdout).to.contain('as sandbox_user');
        expect(result.stdout).to.match(/rate limit: limit 300, remaining \d+, window sec 3600/);
        expect(result.stdout).to.contain('concurrency limit: 2');
        expect(result.stdout + result.stderr).to.not.contain(password);
        // The state database is not needed, so a test never creates one.
        const json = await runCli(['test', 'qualys-test', '--json'], {
            cwd: dir.path,
            env: { QUALYS_PASSWORD: password }
        });
        expect(JSON.parse(json.stdout)).to.include({ instance: 'qualys-test', ok: true });
    });

    it('exits 1 with the message and hint, and never the password, when the password is wrong', async () => {
        const wrong = 'Wrong-Password-1357';
        const result = await runCli(['test', 'qualys-test'], { cwd: dir.path, env: { QUALYS_PASSWORD: wrong } });

        expect(result.code).to.equal(1);
        expect(result.stdout).to.match(/^qualys-test \(signal-client\.qualys\): connection FAILED \(auth, /);
        expect(result.stdout).to.contain('Qualys rejected the username or password');
        expect(result.stdout).to.match(/hint: Check the username and password/);
        expect(result.stdout + result.stderr).to.not.contain(wrong);
        expect(result.stdout + result.stderr).to.not.contain(password);
    });

    it('exits 1 listing the known instances for an unknown one', async () => {
        const result = await runCli(['test', 'qualys-nope'], { cwd: dir.path, env: { QUALYS_PASSWORD: password } });

        expect(result.code).to.equal(1);
        expect(result.stderr).to.contain("signal-client: unknown instance 'qualys-nope'");
        expect(result.stderr).to.contain('known instances: qualys-test');
    });
});
