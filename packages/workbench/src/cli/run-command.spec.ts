import { expect } from 'chai';
import { join } from 'node:path';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import {
    expectedKeys,
    findingKeys,
    freePort,
    logLines,
    readArtifacts,
    runCli,
    startCli,
    tempDir,
    writeTestConfig
} from '../e2e/cli-process.spec.helper.js';

describe('signal-client run', () => {
    const password = 'Run-Secret-9753';
    const env = { QUALYS_PASSWORD: password };
    let sandbox: QualysSandbox;
    let dir: { path: string; remove: () => Promise<void> };

    beforeEach(async () => {
        sandbox = await QualysSandbox.start({ hosts: 30, detectionsPerHost: 4, kbSize: 60, password });
        dir = await tempDir('signal-run');
    });

    afterEach(async () => {
        await sandbox.close();
        await dir.remove();
    });

    it('polls on schedule, serves /healthz, /readyz and live status, and exits 0 on SIGTERM', async () => {
        const port = await freePort();
        await writeTestConfig(dir.path, {
            sandboxUrl: sandbox.url,
            adminListen: `127.0.0.1:${port}`,
            initialDelay: '1ms'
        });
        const service = startCli(['run'], { cwd: dir.path, env });
        await service.waitFor(/Poll succeeded/);

        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(health.status).to.equal(200);
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(ready.status).to.equal(200);
        expect(await ready.text()).to.equal('ready\n');
        // The service holds the state database: status asks its admin API instead.
        const status = await runCli(['status'], { cwd: dir.path, env });
        expect(status.code, status.stderr).to.equal(0);
        expect(status.stdout).to.contain(`Status live, from the running service at http://127.0.0.1:${port}`);
        expect(status.stdout).to.match(
            /qualys-test\s+signal-client\.qualys\s+yes\s+.*\s+success\s+\d+\s+.*\(in (59m\d+s|1h)\)\s+0/
        );

        service.child.kill('SIGTERM');
        const result = await service.exited;
        expect(result.code, result.stderr).to.equal(0);
        const messages = logLines(result.stderr).map(line => line.message);
        expect(messages).to.include(`Admin API listening on http://127.0.0.1:${port}`);
        expect(messages.some(message => message.startsWith('Stopping on SIGTERM'))).to.equal(true);
        expect(messages).to.include('Stopped: every poll in flight ended at a batch boundary');
        expect(result.stdout + result.stderr).to.not.contain(password);
    });

    it('stops an in-flight poll at a batch boundary on SIGTERM; the next poll resumes and nothing is lost', async () => {
        await writeTestConfig(dir.path, { sandboxUrl: sandbox.url, initialDelay: '1ms' });
        // The second host detection page takes long enough for the stop to arrive while the poll waits for it.
        sandbox.faults.inject({ type: 'slow-first-byte', endpoint: 'hld', onRequest: 2, delayMs: 8000 });
        const service = startCli(['run'], { cwd: dir.path, env });
        await service.waitFor(/Poll progress of qualys-test: 1 page/);

        service.child.kill('SIGTERM');
        const result = await service.exited;
        expect(result.code, result.stderr).to.equal(0);
        expect(result.stderr).to.contain('Poll stopped before the end');

        const status = await runCli(['status', '--json'], { cwd: dir.path, env });
        const instance = (JSON.parse(status.stdout) as { instances: { lastRun: { result: string } }[] }).instances[0];
        expect(instance.lastRun.result).to.equal('cancelled');

        const poll = await runCli(['poll', 'qualys-test'], { cwd: dir.path, env });
        expect(poll.code, poll.stdout + poll.stderr).to.equal(0);
        const artifacts = await readArtifacts(join(dir.path, 'data', 'artifacts', 'qualys-test'));
        expect(findingKeys(artifacts)).to.deep.equal(expectedKeys(sandbox.tenant.expectedDetections({})));
    });

    it('refuses to start with a config problem, listing it', async () => {
        await writeTestConfig(dir.path, { sandboxUrl: 'qualysguard.qualys.com' });

        const result = await runCli(['run'], { cwd: dir.path, env });

        expect(result.code).to.equal(1);
        expect(result.stderr).to.match(/signal-client: not starting: .*signal-client\.yaml has 1 problem:/);
        expect(result.stderr).to.match(/ {2}instances\[0\]\.settings\.host: .*qualysguard/);
    });
});
