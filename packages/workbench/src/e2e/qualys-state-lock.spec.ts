import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { E2eEnvironment, findingKeyList, INSTANCE_ID, waitUntil } from './e2e-harness.spec.helper.js';

/** The permission bits of a path. */
async function modeOf(path: string): Promise<number> {
    return (await stat(path)).mode & 0o777;
}

describe('e2e: signal-client and its data directory', function () {
    this.timeout(60_000);
    let e2e: E2eEnvironment | undefined;

    afterEach(async () => {
        await e2e?.close();
        e2e = undefined;
    });

    it("polls past a lock file naming a live, unrelated pid, and one naming the poll's own pid", async () => {
        e2e = await E2eEnvironment.start();
        const lockFile = join(e2e.dataDir, 'state.db.lock');
        await mkdir(e2e.dataDir, { recursive: true });
        // This test's own process: alive, and nothing to do with the poll.
        await writeFile(lockFile, `${process.pid}\n`);
        const first = await e2e.poll();
        expect(first.code, first.stdout + first.stderr).to.equal(0);
        expect(first.stderr).to.contain('Removed the lock file of an earlier release');
        expect(existsSync(lockFile)).to.equal(false);

        // As after `docker restart`: the lock names the very pid the new process runs as.
        const second = await e2e.measuredPoll({ SIGNAL_TEST_OWN_PID_LOCK: lockFile });
        expect(second.result.code, second.result.stdout + second.result.stderr).to.equal(0);
        expect(second.result.stderr).to.contain('Removed the lock file of an earlier release');
        expect(new Set(findingKeyList(await e2e.artifacts()))).to.deep.equal(e2e.expectedKeys());
    });

    it('refuses a second poll on the same data directory while one runs, saying what to do', async () => {
        e2e = await E2eEnvironment.start();
        // The first poll's first page is held back, so it still runs when the second one starts.
        e2e.sandbox.faults.inject({ type: 'slow-first-byte', endpoint: 'hld', onRequest: 1, delayMs: 5000 });
        const running = e2e.startCli(['poll', INSTANCE_ID]);
        await waitUntil(() => e2e!.sandbox.requests.count('hld') >= 1, 'the first poll to ask for a page');

        const refused = await e2e.poll();
        expect(refused.code).to.equal(1);
        expect(refused.stderr).to.contain(
            `signal-client: state database ${join(e2e.dataDir, 'state.db')} is locked by another process: stop the ` +
                'other signal-client or use a different dataDir'
        );
        expect(refused.stderr, 'no stack trace').to.not.match(/^\s+at .+:\d+:\d+\)?$/m);

        const first = await running.exited;
        expect(first.code, first.stdout + first.stderr).to.equal(0);
        expect(new Set(findingKeyList(await e2e.artifacts()))).to.deep.equal(e2e.expectedKeys());
    });

    it('keeps the data directory 0700, and state.db and the JSONL files 0600', async () => {
        e2e = await E2eEnvironment.start();
        const result = await e2e.poll();
        expect(result.code, result.stdout + result.stderr).to.equal(0);

        expect(await modeOf(e2e.dataDir)).to.equal(0o700);
        expect(await modeOf(join(e2e.dataDir, 'state.db'))).to.equal(0o600);
        expect(await modeOf(join(e2e.dataDir, 'artifacts'))).to.equal(0o700);
        expect(await modeOf(e2e.artifactsDir)).to.equal(0o700);
        const files = (await readdir(e2e.artifactsDir)).filter(name => name.endsWith('.jsonl'));
        expect(files).to.have.length.at.least(1);
        for (const file of files) expect(await modeOf(join(e2e.artifactsDir, file)), file).to.equal(0o600);
    });
});
