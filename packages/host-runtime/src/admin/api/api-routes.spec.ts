import { expect } from 'chai';
import { DEFAULT_STREAM_ID } from '@signal-connectors/connector-sdk';
import { ACME, AdminHarness } from '../../test/admin-harness.js';
import { flush, makeArtifacts } from '../../test/scripted-connector.js';

const PASSWORD = 'Api-Pa55word-Zk81';
const BODY = {
    id: 'acme-api',
    connector: ACME,
    enabled: true,
    pollingInterval: '30m',
    settings: { host: 'api.eu.acme.example', username: 'analyst', password: PASSWORD }
};

describe('admin API', () => {
    let harness: AdminHarness;

    afterEach(async () => harness?.close());

    it('creates, reads, changes and deletes an instance; no answer ever holds the secret', async () => {
        harness = await AdminHarness.start({
            connector: {
                poll: async function* (_checkpoint, ctx) {
                    yield { stream: DEFAULT_STREAM_ID, artifacts: makeArtifacts(2, { connector: ACME, instance: ctx.instanceId }), checkpoint: { n: 1 } };
                }
            }
        });
        const created = await harness.api('POST', '/api/instances', BODY);
        expect(created.statusCode).to.equal(201);
        expect(created.json()).to.deep.include({ id: 'acme-api', origin: 'console', enabled: true, writeOnly: [{ field: 'password', configured: true }] });
        await flush();

        const answers = [
            created,
            await harness.api('GET', '/api/instances'),
            await harness.api('GET', '/api/instances/acme-api'),
            await harness.api('GET', '/api/instances/acme-api/runs'),
            await harness.api('GET', '/api/instances/acme-api/logs'),
            await harness.api('PUT', '/api/instances/acme-api', { pollingInterval: '1h', settings: { host: 'api.eu.acme.example', username: 'analyst' } }),
            await harness.api('POST', '/api/instances/acme-api/test'),
            await harness.api('GET', '/api/catalog')
        ];
        for (const answer of answers) {
            expect(answer.statusCode, answer.body).to.be.below(300);
            expect(answer.body).to.not.contain(PASSWORD);
        }
        expect(answers[2].json().lastFinishedRun).to.include({ result: 'success', artifacts: 2 });
        expect(answers[5].json()).to.deep.include({ pollingInterval: '1h', writeOnly: [{ field: 'password', configured: true }] });
        expect(answers[6].json()).to.include({ ok: true, instanceId: 'acme-api' });

        const deleted = await harness.api('DELETE', '/api/instances/acme-api');
        expect(deleted.statusCode).to.equal(204);
        expect((await harness.api('GET', '/api/instances/acme-api')).statusCode).to.equal(404);
    });

    it('keeps enabled and the interval when a change leaves them out; a create defaults to the manifest interval', async () => {
        harness = await AdminHarness.start({ startScheduler: false });
        const { pollingInterval: _, ...withoutInterval } = BODY;
        const created = await harness.api('POST', '/api/instances', { ...withoutInterval, enabled: false });
        expect(created.json()).to.include({ pollingInterval: '30m', enabled: false });
        const changed = await harness.api('PUT', '/api/instances/acme-api', { settings: { ...BODY.settings, username: 'other' } });
        expect(changed.statusCode).to.equal(200);
        expect(changed.json()).to.include({ pollingInterval: '30m', enabled: false });
        expect(changed.json().settings.username).to.equal('other');
    });

    it('answers a rejected save with 400 and every problem with its path', async () => {
        harness = await AdminHarness.start();
        const answer = await harness.api('POST', '/api/instances', { ...BODY, id: 'x y', settings: { host: 'api.eu.acme.example' } });
        expect(answer.statusCode).to.equal(400);
        expect(answer.json().problems.map((p: { path: string }) => p.path)).to.have.members(['id', 'settings.username', 'settings.password']);
    });

    it('refuses to change an instance of the config file, and to poll a disabled one, saying why', async () => {
        harness = await AdminHarness.start({ fileInstances: [{ id: 'from-file' }] });
        const change = await harness.api('PUT', '/api/instances/from-file', { pollingInterval: '1h', settings: {} });
        expect(change.statusCode).to.equal(409);
        expect(change.json().error.message).to.contain('managed by the config file');

        await harness.api('POST', '/api/instances', { ...BODY, enabled: false });
        const poll = await harness.api('POST', '/api/instances/acme-api/poll');
        expect(poll.statusCode).to.equal(409);
        expect(poll.json().error.message).to.equal("'acme-api' is disabled, so it is not polled; enable it first");
        expect(harness.connector.polls).to.have.length(0);
    });

    it('answers 429 with Retry-After past the per-instance trigger limit, and no call reaches the connector', async () => {
        let tests = 0;
        harness = await AdminHarness.start({
            admin: { manualTriggers: { max: 3, windowMs: 600_000 } },
            connector: {
                testConnection: async () => {
                    tests++;
                    return { ok: true, message: 'reachable' };
                }
            }
        });
        await harness.api('POST', '/api/instances', { ...BODY, enabled: false });
        await harness.api('POST', '/api/instances', { ...BODY, id: 'acme-other', enabled: false });
        const answers = [];
        for (let i = 0; i < 6; i++) answers.push(await harness.api('POST', '/api/instances/acme-api/test'));

        expect(answers.map(answer => answer.statusCode)).to.deep.equal([200, 200, 200, 429, 429, 429]);
        const limited = answers[3];
        expect(Number(limited.headers['retry-after'])).to.be.within(1, 600);
        expect(limited.json().error.message).to.contain("too many connection tests and manual polls of 'acme-api'");
        expect(tests).to.equal(3);
        const other = await harness.api('POST', '/api/instances/acme-other/test');
        expect(other.statusCode, 'the limit is per instance').to.equal(200);
        expect(tests).to.equal(4);
    });

    it('answers 404 for an unknown instance', async () => {
        harness = await AdminHarness.start();
        for (const [method, url] of [
            ['GET', '/api/instances/nope'],
            ['POST', '/api/instances/nope/test'],
            ['POST', '/api/instances/nope/poll'],
            ['DELETE', '/api/instances/nope']
        ] as const) {
            const answer = await harness.api(method, url);
            expect(answer.statusCode, `${method} ${url}`).to.equal(404);
            expect(answer.json().error.message).to.equal("unknown instance 'nope'");
        }
    });
});
