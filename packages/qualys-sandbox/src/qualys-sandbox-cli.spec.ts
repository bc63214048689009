import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { basicAuth } from './test-client.spec.helper.js';

const CLI = fileURLToPath(new URL('../bin/qualys-sandbox.js', import.meta.url));

describe('qualys-sandbox CLI', () => {
    it('starts a sandbox, prints its URL and credentials, and stops on SIGTERM', async () => {
        const child = spawn(
            process.execPath,
            [
                CLI,
                '--json',
                '--hosts',
                '12',
                '--username',
                'cli_user',
                '--password',
                'pw',
                '--rate-limit',
                '50/60',
                '--concurrency-limit',
                '3',
                '--bytes-per-sec',
                '4000000'
            ],
            {
                stdio: ['ignore', 'pipe', 'inherit']
            }
        );
        try {
            const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
            const started = JSON.parse(line) as { url: string; username: string; password: string };
            expect(started).to.include({ username: 'cli_user', password: 'pw' });
            expect(started.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
            const state = (await (await fetch(`${started.url}/__sandbox/state`)).json()) as {
                hosts: number;
                limits: Record<string, object>;
            };
            expect(state).to.include({ hosts: 12, bytesPerSec: 4_000_000 });
            expect(state.limits.kb).to.include({ limit: 50, windowSec: 60, concurrency: 3 });
            const res = await fetch(`${started.url}/msp/about.php`, {
                headers: { authorization: basicAuth('cli_user', 'pw'), 'x-requested-with': 'spec' }
            });
            expect(res.status).to.equal(200);
            child.kill('SIGTERM');
            const [code] = await once(child, 'exit');
            expect(code).to.equal(0);
        } finally {
            if (child.exitCode === null) child.kill('SIGKILL');
        }
    });
});
