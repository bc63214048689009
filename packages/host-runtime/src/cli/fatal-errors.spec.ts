import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { HOST_RUNTIME_DIR, PluginFixtures } from '../test/plugin-fixtures.js';

const SECRET = 'fixture-Pa55word-for-crash';

/** Runs the real `signal-client` in `cwd` and waits for it to end. */
function runCli(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, [join(HOST_RUNTIME_DIR, 'bin', 'signal-client.js'), ...args], {
        cwd,
        env: { ...process.env, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe']
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    return new Promise(resolve =>
        child.on('close', code => {
            clearTimeout(killer);
            resolve({ code, output });
        })
    );
}

describe('signal-client after an error nothing caught', () => {
    let fixtures: PluginFixtures;

    beforeEach(async () => {
        fixtures = await PluginFixtures.create();
    });
    afterEach(async () => {
        await fixtures.remove();
    });

    async function configure(entry: 'crashes-in-poll' | 'rejects-in-poll'): Promise<void> {
        await fixtures.writePlugin('plugins/crashy', { name: 'crashy-plugin', entry }, 'fixture.crashy');
        const config = [
            'dataDir: ./data',
            'admin: { enabled: false }',
            'pluginDirs: [./plugins]',
            'instances:',
            '  - id: crashy',
            '    connector: fixture.crashy',
            `    settings: { url: "https://example.invalid", password: "${SECRET}" }`
        ];
        await writeFile(join(fixtures.root, 'signal-client.yaml'), `${config.join('\n')}\n`);
    }

    for (const [entry, what, error] of [
        ['crashes-in-poll', 'uncaught exception', 'TypeError'],
        ['rejects-in-poll', 'unhandled rejection', 'RangeError']
    ] as const) {
        it(`logs an ${what} without a stack or a secret, closes the state database and exits 70`, async () => {
            await configure(entry);
            const result = await runCli(['poll', 'crashy', '--config', 'signal-client.yaml'], fixtures.root);

            expect(result.code, result.output).to.equal(70);
            const line = result.output.split('\n').find(text => text.includes(`Stopping after an ${what}`));
            expect(line, result.output).to.not.equal(undefined);
            const logged = JSON.parse(line!) as { level: string; error: { name: string; stack?: string } };
            expect(logged.level).to.equal('error');
            expect(logged.error.name).to.equal(error);
            expect(result.output).to.not.contain(SECRET);
            expect(result.output, 'no stack trace').to.not.match(/^\s+at .+:\d+:\d+\)?$/m);

            // The batch delivered before the failure was committed, and the database is free at once.
            const db = new DatabaseSync(join(fixtures.root, 'data', 'state.db'));
            db.exec('PRAGMA busy_timeout = 0; BEGIN EXCLUSIVE; COMMIT');
            const row = db
                .prepare(`SELECT checkpoint FROM stream_state WHERE instance_id = ? AND stream = 'default'`)
                .get('crashy') as { checkpoint: string };
            db.close();
            expect(JSON.parse(row.checkpoint)).to.deep.equal({ at: 1 });
        });
    }
});
