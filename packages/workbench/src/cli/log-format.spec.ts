import { expect } from 'chai';
import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import { runCli, tempDir, writeTestConfig } from '../e2e/cli-process.spec.helper.js';

/** A plain-text line as `docker logs` shows it: time, [LEVEL], then the message. */
const FETCHED_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[INFO\] qualys: fetched host detections .*instance=qualys-test/m;

describe('signal-client poll with plain text logs', () => {
    const password = 'Text-Log-Secret-5731';
    const env = { QUALYS_PASSWORD: password };
    let sandbox: QualysSandbox;
    let dir: { path: string; remove: () => Promise<void> };

    before(async () => {
        sandbox = await QualysSandbox.start({ hosts: 12, detectionsPerHost: 3, kbSize: 30, password, wallClock: true });
    });

    beforeEach(async () => {
        dir = await tempDir('signal-text-log');
        await writeTestConfig(dir.path, { sandboxUrl: sandbox.url });
    });

    afterEach(async () => {
        await dir.remove();
    });

    after(async () => {
        await sandbox.close();
    });

    function expectPlainText(stderr: string): void {
        expect(stderr).to.match(FETCHED_LINE);
        expect(stderr).to.not.contain('\u001b');
        expect(stderr).to.not.match(/^\{/m);
        expect(stderr).to.not.contain(password);
    }

    it('writes readable lines without escape codes with --log-format text', async () => {
        const result = await runCli(['poll', 'qualys-test', '--log-format', 'text'], { cwd: dir.path, env });
        expect(result.code, result.stderr).to.equal(0);
        expectPlainText(result.stderr);
    });

    it('takes the format from LOG_FORMAT', async () => {
        const result = await runCli(['poll', 'qualys-test'], { cwd: dir.path, env: { ...env, LOG_FORMAT: 'text' } });
        expect(result.code, result.stderr).to.equal(0);
        expectPlainText(result.stderr);
    });

    it("takes the format from the config file's log section, and the command line overrides it", async () => {
        await appendFile(join(dir.path, 'signal-client.yaml'), 'log:\n  format: text\n');
        const fromFile = await runCli(['poll', 'qualys-test'], { cwd: dir.path, env });
        expect(fromFile.code, fromFile.stderr).to.equal(0);
        expectPlainText(fromFile.stderr);

        await rm(join(dir.path, 'data'), { recursive: true, force: true });
        const overridden = await runCli(['poll', 'qualys-test', '--log-format', 'json'], { cwd: dir.path, env });
        expect(overridden.code, overridden.stderr).to.equal(0);
        const fetched = overridden.stderr
            .split('\n')
            .filter(line => line.startsWith('{'))
            .map(line => JSON.parse(line) as { level: string; message: string })
            .filter(line => line.message.startsWith('qualys: fetched host detections'));
        expect(fetched).to.have.length.greaterThan(0);
        expect(fetched[0].level).to.equal('info');
    });
});
