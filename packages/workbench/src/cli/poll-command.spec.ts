import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import { SqliteStateStore } from '@signal-connectors/host-runtime';
import {
    expectedKeys,
    findingKeys,
    readArtifacts,
    runCli,
    tempDir,
    writeTestConfig
} from '../e2e/cli-process.spec.helper.js';

describe('signal-client poll and status', () => {
    const password = 'Poll-Secret-8642';
    let sandbox: QualysSandbox;
    let dir: { path: string; remove: () => Promise<void> };
    const env = { QUALYS_PASSWORD: password };

    before(async () => {
        sandbox = await QualysSandbox.start({ hosts: 40, detectionsPerHost: 6, kbSize: 80, password, wallClock: true });
        dir = await tempDir('signal-poll');
        await writeTestConfig(dir.path, { sandboxUrl: sandbox.url, truncationLimit: 15 });
    });

    after(async () => {
        await sandbox.close();
        await dir.remove();
    });

    it('delivers every detection of the tenant to the JSONL sink in one poll, then status shows the run', async () => {
        const result = await runCli(['poll', 'qualys-test'], { cwd: dir.path, env });

        expect(result.code, result.stdout + result.stderr).to.equal(0);
        const artifacts = await readArtifacts(join(dir.path, 'data', 'artifacts', 'qualys-test'));
        const expected = expectedKeys(sandbox.tenant.expectedDetections({}));
        expect(expected.size).to.be.greaterThan(100);
        expect(findingKeys(artifacts)).to.deep.equal(expected);

        const summary = result.stdout;
        expect(summary).to.match(/^Poll of qualys-test succeeded in /);
        expect(summary).to.contain(`artifacts: ${artifacts.length} in `);
        expect(summary).to.contain(`${expected.size} ocsf.vulnerability_finding`);
        expect(summary).to.contain('1 qualys.run_summary');
        expect(summary).to.match(/3 pages · 40 hosts · \d+ detections · 0 rate-limit waits/);
        expect(summary).to.contain(
            `written to: ${join(dir.path, 'data', 'artifacts', 'qualys-test')}/<YYYY-MM-DD>.jsonl`
        );
        // Without a terminal, progress is logged: one line per page.
        const progress = result.stderr.split('\n').filter(line => line.includes('Poll progress of qualys-test'));
        expect(progress).to.have.length(3);
        expect(result.stdout + result.stderr).to.not.contain(password);

        const status = await runCli(['status'], { cwd: dir.path, env });
        expect(status.code, status.stderr).to.equal(0);
        expect(status.stdout).to.match(/^Status from .*state\.db/);
        expect(status.stdout).to.match(
            new RegExp(
                `qualys-test\\s+signal-client\\.qualys\\s+yes\\s+\\S+ \\S+ \\(.*\\)\\s+success\\s+${artifacts.length}\\s+-\\s+0`
            )
        );

        const json = await runCli(['status', 'qualys-test', '--json'], { cwd: dir.path, env });
        const snapshot = JSON.parse(json.stdout) as { source: string; instances: Record<string, unknown>[] };
        expect(snapshot.source).to.equal('state');
        expect(snapshot.instances).to.have.length(1);
        expect(snapshot.instances[0]).to.include({ id: 'qualys-test', enabled: true, consecutiveFailures: 0 });
        expect(snapshot.instances[0].lastRun).to.include({ result: 'success', artifacts: artifacts.length });
    });

    it('exits 1 with the error kind, message and hint when the poll fails, and status shows the error', async () => {
        const result = await runCli(['poll', 'qualys-test'], {
            cwd: dir.path,
            env: { QUALYS_PASSWORD: 'Not-The-Password' }
        });

        expect(result.code).to.equal(1);
        expect(result.stdout).to.match(/^Poll of qualys-test failed after /);
        expect(result.stdout).to.match(/error \(auth\): .+/);
        expect(result.stdout).to.match(/hint: .+/);
        expect(result.stdout + result.stderr).to.not.contain('Not-The-Password');

        const status = await runCli(['status'], { cwd: dir.path, env });
        expect(status.stdout).to.match(/qualys-test\s+signal-client\.qualys\s+yes\s+.*\s+failed\s+\d+\s+-\s+1/);
        expect(status.stdout).to.match(/qualys-test: last error at .*: auth: /);
        expect(status.stdout).to.contain('is marked failed (auth)');
    });

    it('exits 1 with the message of a locked state database, and for an unknown instance', async () => {
        const holder = new SqliteStateStore({ dataDir: join(dir.path, 'data') });
        try {
            const locked = await runCli(['poll', 'qualys-test'], { cwd: dir.path, env });
            expect(locked.code).to.equal(1);
            expect(locked.stderr).to.match(/signal-client: state database .*state\.db is locked by another process/);
        } finally {
            holder.close();
        }
        const unknown = await runCli(['poll', 'nope'], { cwd: dir.path, env });
        expect(unknown.code).to.equal(1);
        expect(unknown.stderr).to.contain("unknown instance 'nope'").and.to.contain('known instances: qualys-test');
    });

    it('loads no Prometheus client: nobody reads the metrics of a one-off poll', async () => {
        // Records every module the poll process loads, written when it exits.
        const hook = join(dir.path, 'record-modules.mjs');
        const loaded = join(dir.path, 'loaded-modules.txt');
        await writeFile(
            hook,
            [
                "import { registerHooks } from 'node:module';",
                "import { writeFileSync } from 'node:fs';",
                'const urls = [];',
                'registerHooks({ load: (url, context, next) => (urls.push(url), next(url, context)) });',
                `process.on('exit', () => writeFileSync(${JSON.stringify(loaded)}, urls.join('\\n')));`
            ].join('\n')
        );
        const result = await runCli(['poll', 'qualys-test'], {
            cwd: dir.path,
            env: { ...env, NODE_OPTIONS: `--import=${hook}` }
        });

        expect(result.code, result.stdout + result.stderr).to.equal(0);
        const urls = (await readFile(loaded, 'utf8')).split('\n');
        // The hook saw the poll: the plugin and its HTTP client were loaded.
        expect(urls.some(url => url.includes('/qualys-plugin/dist/'))).to.equal(true);
        expect(urls.some(url => url.includes('/node_modules/got/'))).to.equal(true);
        expect(urls.filter(url => /\/node_modules\/(prom-client|@opentelemetry)\//.test(url))).to.deep.equal([]);
    });
});
