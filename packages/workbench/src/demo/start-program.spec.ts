import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { findingKeys, readArtifacts, runCli, START_BIN, tempDir } from '../e2e/cli-process.spec.helper.js';

describe('npm start (bin/start.js)', () => {
    let cwd: { path: string; remove: () => Promise<void> };

    beforeEach(async () => {
        cwd = await tempDir('signal-demo');
    });

    afterEach(async () => {
        await cwd.remove();
    });

    it('without a config runs the sandbox demo: two polls with an advance between, then exits 0', async function () {
        // The process may take up to its own 30 s limit on a busy machine; mocha must not give up first.
        this.timeout(40_000);
        const result = await runCli(['--demo-polls', '2'], { cwd: cwd.path, bin: START_BIN, timeoutMs: 30_000 });

        expect(result.code, result.stdout + result.stderr).to.equal(0);
        const out = result.stdout;
        expect(out).to.contain('signal-client demo: SANDBOX DATA');
        expect(out).to.contain('Nothing here comes from a real Qualys subscription');
        expect(out).to.contain('data/state.db: no checkpoint yet');
        expect(out).to.match(/Admin API {2}http:\/\/127\.0\.0\.1:\d+/);
        expect(out).to.contain('signal-client.example.yaml signal-client.yaml');
        expect(out).to.contain('npm start -- --config signal-client.yaml');
        expect(out.match(/Poll of qualys-demo succeeded in/g)).to.have.length(2);
        expect(out).to.match(/artifacts: [\d,]+ in \d+ batches \([\d,]+ ocsf\.vulnerability_finding/);
        expect(out).to.match(/3 pages · 300 hosts · [\d,]+ detections/);
        expect(out).to.match(/Sandbox: the tenant moved on to .*: \d+ hosts re-scanned/);
        expect(out).to.match(/Demo stopped after 2 polls \([\d,]+ artifacts delivered\)/);

        const dataDir = join(cwd.path, 'data');
        expect(existsSync(join(dataDir, 'state.db'))).to.equal(true);
        const artifacts = await readArtifacts(join(dataDir, 'artifacts', 'qualys-demo'));
        // 300 hosts x 12 detections, minus the few the tenant generated as fixed or informational.
        expect(findingKeys(artifacts).size).to.be.greaterThan(3000);
        expect(artifacts.filter(a => a.type === 'qualys.run_summary')).to.have.length(2);

        // A second start resumes from the checkpoint the first one left (SIGNAL_DEMO_POLLS works as the flag), and
        // takes a free port when the admin port is busy (held here, unless something else already holds it).
        const blocker = createServer();
        await new Promise<void>(resolve => blocker.once('error', () => resolve()).listen(9464, '127.0.0.1', resolve));
        try {
            const again = await runCli([], { cwd: cwd.path, bin: START_BIN, env: { SIGNAL_DEMO_POLLS: '1' } });
            expect(again.code, again.stdout + again.stderr).to.equal(0);
            expect(again.stdout).to.contain('resuming from the last checkpoint');
            expect(again.stdout).to.contain('Demo stopped after 1 poll ');
            expect(again.stdout).to.match(/Admin API {2}http:\/\/127\.0\.0\.1:(?!9464\b)\d+/);
            expect(again.stderr).to.contain(
                'Admin API port 127.0.0.1:9464 is in use; listening on a free port instead'
            );
            expect(await readdir(join(dataDir, 'artifacts'))).to.deep.equal(['qualys-demo']);
        } finally {
            await new Promise(resolve => blocker.close(resolve));
        }
    });

    it('runs ./signal-client.yaml instead when there is one, as signal-client run would', async () => {
        await writeFile(join(cwd.path, 'signal-client.yaml'), 'instances:\n  - id: x\n    connector: acme.missing\n');

        const result = await runCli([], { cwd: cwd.path, bin: START_BIN });

        expect(result.code).to.equal(1);
        expect(result.stderr).to.match(/not starting: .*signal-client\.yaml has 1 problem/);
        expect(result.stderr).to.contain("instances[0].connector: unknown connector 'acme.missing'");
        expect(existsSync(join(cwd.path, 'data', 'artifacts'))).to.equal(false);
    });
});
