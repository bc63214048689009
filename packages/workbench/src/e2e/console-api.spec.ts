import { expect } from 'chai';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ConsoleEnvironment, leakForms } from './console-harness.spec.helper.js';
import { readTree } from './e2e-harness.spec.helper.js';

const ID = 'qualys-api';

/**
 * The instance's committed checkpoints (of every stream, as JSON), read straight from the state database (locked
 * while the service runs).
 */
function checkpointOf(dataDir: string): string | undefined {
    const db = new DatabaseSync(join(dataDir, 'state.db'), { readOnly: true });
    try {
        const rows = db
            .prepare(
                'SELECT stream, checkpoint FROM stream_state WHERE instance_id = ? AND checkpoint IS NOT NULL ORDER BY stream'
            )
            .all(ID) as { stream: string; checkpoint: string }[];
        return rows.length === 0 ? undefined : JSON.stringify(rows);
    } finally {
        db.close();
    }
}

/** Waits until the instance's last finished poll succeeded. */
async function untilHealthy(env: ConsoleEnvironment): Promise<void> {
    const health = async () => (await env.call('GET', `/api/instances/${ID}`)).json<{ health: string }>().health;
    const deadline = Date.now() + 30_000;
    while ((await health()) !== 'healthy') {
        if (Date.now() > deadline) throw new Error(`${ID} did not turn healthy`);
        await new Promise(resolve => setTimeout(resolve, 200));
    }
}

describe('e2e: the admin API guards the subscription and keeps console instances', function () {
    this.timeout(120_000);
    let env: ConsoleEnvironment;

    beforeEach(async () => {
        env = await ConsoleEnvironment.start({ manualTriggers: 3 });
    });

    afterEach(async () => {
        await env.close();
    });

    it('refuses no token, a foreign Host and a foreign Origin; answers 429 past the trigger limit without calling Qualys', async () => {
        await env.run();
        expect((await env.call('GET', '/api/instances', { token: false })).status).to.equal(401);
        expect((await env.call('GET', '/api/instances', { token: 'not-the-token-at-all' })).status).to.equal(401);
        expect((await env.call('GET', '/healthz', { token: false })).status).to.equal(200);
        expect((await env.call('GET', '/metrics', { token: false })).status).to.equal(401);
        const foreignHost = await env.call('GET', '/api/instances', { headers: { Host: 'attacker.example' } });
        expect(foreignHost.status).to.equal(403);
        expect(foreignHost.text).to.contain('attacker.example');

        const created = await env.call('POST', '/api/instances', {
            body: {
                id: ID,
                connector: 'signal-client.qualys',
                enabled: true,
                pollingInterval: '1h',
                settings: {
                    host: env.sandbox.url,
                    username: env.sandbox.credentials.username,
                    password: ConsoleEnvironment.PASSWORD
                }
            }
        });
        expect(created.status, created.text).to.equal(201);
        expect(created.json<{ writeOnly: unknown }>().writeOnly).to.deep.equal([
            { field: 'password', configured: true }
        ]);
        expect(created.text).to.not.contain(ConsoleEnvironment.PASSWORD);
        await untilHealthy(env);
        // The API shows each stream's status.
        const view = (await env.call('GET', `/api/instances/${ID}`)).json<{
            status: { streams: { stream: string; status?: string }[] };
        }>();
        expect(view.status.streams.map(s => [s.stream, s.status])).to.deep.equal([
            ['host_detections', 'complete'],
            ['host_reconciliation', 'complete'],
            ['knowledge_base', 'complete'],
            ['scans', 'complete']
        ]);

        const textPlain = await env.call('POST', `/api/instances/${ID}/test`, {
            token: false,
            headers: { 'Content-Type': 'text/plain', Origin: 'http://attacker.example' }
        });
        expect(textPlain.status).to.equal(403);
        const foreignOrigin = await env.call('POST', `/api/instances/${ID}/test`, {
            headers: { Origin: 'http://attacker.example' }
        });
        expect(foreignOrigin.status).to.equal(403);

        env.sandbox.requests.clear();
        const statuses: number[] = [];
        let retryAfter: string | string[] | undefined;
        for (let i = 0; i < 6; i++) {
            const answer = await env.call('POST', `/api/instances/${ID}/test`);
            statuses.push(answer.status);
            if (answer.status === 429) retryAfter = answer.headers['retry-after'];
        }
        expect(statuses).to.deep.equal([200, 200, 200, 429, 429, 429]);
        expect(Number(retryAfter)).to.be.greaterThan(0);
        expect(env.sandbox.requests.count('hld')).to.equal(3);
        const tooMany = await env.call('POST', `/api/instances/${ID}/poll`);
        expect(tooMany.status).to.equal(429);
        expect(env.sandbox.requests.count('hld')).to.equal(3);

        expect((await env.call('POST', `/api/instances/${ID}/disable`)).status).to.equal(200);
        const output = await env.stop();
        expect(output.stderr)
            .to.match(/Audit: api token create qualys-api/)
            .and.match(/Audit: api token disable qualys-api/);
        // The first poll committed its checkpoint (read once the service let go of the database).
        expect(checkpointOf(env.dataDir)).to.not.equal(undefined);
    });

    it('keeps a console instance, its secret (only with the key) and its checkpoint across restarts', async () => {
        await env.run();
        const created = await env.call('POST', '/api/instances', {
            body: {
                id: ID,
                connector: 'signal-client.qualys',
                pollingInterval: '1h',
                settings: {
                    host: env.sandbox.url,
                    username: env.sandbox.credentials.username,
                    password: ConsoleEnvironment.PASSWORD
                }
            }
        });
        expect(created.status, created.text).to.equal(201);
        await untilHealthy(env);
        await env.stop();
        const checkpoint = checkpointOf(env.dataDir);

        await env.run();
        const again = (await env.call('GET', `/api/instances/${ID}`)).json<{
            health: string;
            writeOnly: unknown;
            problems: unknown[];
        }>();
        expect(again.problems).to.deep.equal([]);
        expect(again.health).to.equal('healthy');
        expect(again.writeOnly).to.deep.equal([{ field: 'password', configured: true }]);
        const test = await env.call('POST', `/api/instances/${ID}/test`);
        expect(test.json<{ ok: boolean }>().ok, test.text).to.equal(true);
        await env.stop();
        // The test moved no checkpoint.
        expect(checkpointOf(env.dataDir)).to.equal(checkpoint);

        await env.run({ SIGNAL_SECRET_KEY: 'another-key-entirely-0000000' });
        const locked = (await env.call('GET', `/api/instances/${ID}`)).json<{
            health: string;
            problems: { message: string }[];
        }>();
        expect(locked.health).to.equal('failing');
        expect(locked.problems[0].message).to.contain('cannot be decrypted');
        expect((await env.call('POST', `/api/instances/${ID}/test`)).status).to.equal(409);
        const output = await env.stop();

        const secrets = leakForms(env.sandbox.credentials.username, ConsoleEnvironment.PASSWORD);
        for (const file of await readTree(env.dataDir)) {
            for (const secret of secrets) expect(file.bytes.includes(Buffer.from(secret)), file.path).to.equal(false);
        }
        for (const secret of secrets) expect(output.stdout + output.stderr).to.not.contain(secret);
    });
});
