import { expect } from 'chai';
import { PollRunner } from '../scheduler/poll-runner.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { ScriptedConnector, deferred, flush, makeArtifacts, type Deferred } from '../test/scripted-connector.js';
import { createTestHost, testConfig, virtualPlugin, type TestHost } from '../test/test-host.js';
import { AdminServer } from './admin-server.js';
import { parseListenAddress } from './listen-address.js';

const PASSWORD = 'admin-test-password-1';

describe('AdminServer', () => {
    let test: TestHost;
    let scheduler: Scheduler;
    let server: AdminServer;
    let base: string;
    let gate: Deferred;

    beforeEach(async () => {
        gate = deferred();
        const connector = new ScriptedConnector({
            poll: async function* (_checkpoint, ctx) {
                await gate.promise;
                yield {
                    artifacts: makeArtifacts(1, { connector: 'acme.alpha', instance: ctx.instanceId }),
                    checkpoint: 1
                };
            },
            testConnection: async config => ({
                ok: false,
                message: `login refused for ${(config as { password: string }).password}`,
                hint: 'check the password',
                errorKind: 'auth',
                details: { password: 'shown?', limits: { rate: 300 } }
            })
        });
        const settings = { url: 'https://api.example.com', password: PASSWORD };
        const config = testConfig([
            { id: 'alpha-1', connector: 'acme.alpha', settings, pollingInterval: '1h' },
            { id: 'alpha/2', connector: 'acme.alpha', settings, enabled: false }
        ]);
        test = await createTestHost([virtualPlugin('acme.alpha', connector)], config);
        const runner = new PollRunner({
            state: test.state,
            sink: test.sink,
            clock: test.clock,
            redact: text => test.host.redact(text)
        });
        runner.addListener(test.metrics.onPollEvent);
        test.metrics.trackInstances(test.state, () =>
            test.host.instances.map(i => ({ id: i.id, connector: i.connectorId }))
        );
        scheduler = new Scheduler(test.host.instances, {
            runner,
            state: test.state,
            clock: test.clock,
            logger: test.host.logger,
            maxConcurrentPolls: 2,
            random: () => 0.5
        });
        server = new AdminServer({
            listen: '127.0.0.1:0',
            logger: test.host.logger,
            host: test.host,
            scheduler,
            state: test.state,
            metrics: test.metrics,
            catalog: () => test.host.catalog(),
            newRunId: () => 'run-42'
        });
        base = (await server.start()).url;
    });

    afterEach(async () => {
        gate.resolve();
        await server.close();
        const stopping = scheduler.stop({ timeoutMs: 1000 });
        await test.clock.runAll();
        await stopping;
    });

    async function call(
        path: string,
        method = 'GET'
    ): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
        const response = await fetch(`${base}${path}`, { method });
        const text = await response.text();
        const json = response.headers.get('content-type')?.startsWith('application/json')
            ? (JSON.parse(text) as unknown)
            : undefined;
        return { status: response.status, body: json, text, headers: response.headers };
    }

    it('listens on loopback and reports the bound port', () => {
        expect(server.address!.host).to.equal('127.0.0.1');
        expect(server.address!.port).to.be.greaterThan(0);
        expect(base).to.equal(`http://127.0.0.1:${server.address!.port}`);
    });

    it('answers /healthz always and /readyz only once ready', async () => {
        expect(await call('/healthz')).to.include({ status: 200, text: 'ok\n' });
        expect((await call('/readyz')).status).to.equal(503);
        server.setReady(true);
        expect(await call('/readyz')).to.include({ status: 200 });
        server.setReady(false);
        expect((await call('/readyz')).status).to.equal(503);
    });

    it('serves Prometheus metrics', async () => {
        const { status, text, headers } = await call('/metrics');

        expect(status).to.equal(200);
        expect(headers.get('content-type')).to.contain('text/plain');
        expect(text).to.contain('signal_polls_total{connector="acme.alpha",instance="alpha-1",result="success"} 0');
        expect(text).to.contain('signal_seconds_since_last_successful_poll{instance="alpha-1"} +Inf');
    });

    it('serves the catalog as JSON', async () => {
        const { status, body } = await call('/api/catalog');

        expect(status).to.equal(200);
        expect((body as { id: string }[]).map(e => e.id)).to.deep.equal(['acme.alpha']);
    });

    it('lists the instances with their status and next run, without their settings', async () => {
        scheduler.start();
        const { status, body, text } = await call('/api/instances');

        expect(status).to.equal(200);
        const [alpha, second] = body as Record<string, unknown>[];
        expect(alpha).to.deep.include({
            id: 'alpha-1',
            connector: 'acme.alpha',
            enabled: true,
            pollingInterval: '1h',
            running: false,
            failed: false
        });
        expect(alpha.nextRunAt).to.equal(new Date(test.clock.now() + 30_000).toISOString());
        expect(alpha.status).to.deep.include({ instanceId: 'alpha-1', consecutiveFailures: 0, totalArtifacts: 0 });
        expect(second).to.deep.include({ id: 'alpha/2', enabled: false });
        expect(second.nextRunAt).to.equal(undefined);
        expect(text).to.not.contain(PASSWORD).and.not.contain('api.example.com');

        const one = await call(`/api/instances/${encodeURIComponent('alpha/2')}`);
        expect(one.status).to.equal(200);
        expect((one.body as { id: string }).id).to.equal('alpha/2');
    });

    it('runs a connection test and returns the report with secrets scrubbed', async () => {
        const { status, body, text } = await call('/api/instances/alpha-1/test', 'POST');

        expect(status).to.equal(200);
        expect(body).to.deep.include({
            ok: false,
            message: 'login refused for [REDACTED]',
            hint: 'check the password',
            errorKind: 'auth'
        });
        expect(text).to.not.contain(PASSWORD).and.not.contain('shown?');
    });

    it('triggers a poll with 202 and a run id, and answers 409 while it runs', async () => {
        scheduler.start();

        const accepted = await call('/api/instances/alpha-1/poll', 'POST');
        expect(accepted).to.deep.include({
            status: 202,
            body: { instanceId: 'alpha-1', runId: 'run-42', status: 'accepted' }
        });
        expect(scheduler.isBusy('alpha-1')).to.equal(true);

        const conflict = await call('/api/instances/alpha-1/poll', 'POST');
        expect(conflict.status).to.equal(409);
        expect((conflict.body as { error: { message: string } }).error.message).to.contain('already running');

        gate.resolve();
        await flush();
        expect(test.state.getStatus('alpha-1').lastRun).to.deep.include({ runId: 'run-42', result: 'success' });
    });

    it('answers 503 to a poll while the scheduler is not running', async () => {
        expect((await call('/api/instances/alpha-1/poll', 'POST')).status).to.equal(503);
    });

    it('answers 404 for unknown routes and instances, 405 with Allow for wrong methods, as JSON', async () => {
        const missing = await call('/nope');
        expect(missing).to.deep.include({ status: 404, body: { error: { status: 404, message: 'no route /nope' } } });
        for (const path of ['/api/instances/ghost/test', '/api/instances/ghost/poll']) {
            const unknown = await call(path, 'POST');
            expect(unknown).to.deep.include({
                status: 404,
                body: { error: { status: 404, message: "unknown instance 'ghost'" } }
            });
        }
        const wrong = await call('/api/instances/alpha-1/poll', 'GET');
        expect(wrong.status).to.equal(405);
        expect(wrong.headers.get('allow')).to.equal('POST');
        expect((wrong.body as { error: { status: number } }).error.status).to.equal(405);
        expect((await call('/metrics', 'DELETE')).status).to.equal(405);
    });
});

describe('parseListenAddress', () => {
    it('reads host:port, [ipv6]:port and a bare port (loopback)', () => {
        expect(parseListenAddress('127.0.0.1:9464')).to.deep.equal({ host: '127.0.0.1', port: 9464 });
        expect(parseListenAddress('[::1]:0')).to.deep.equal({ host: '::1', port: 0 });
        expect(parseListenAddress(':8080')).to.deep.equal({ host: '127.0.0.1', port: 8080 });
        expect(parseListenAddress('9464')).to.deep.equal({ host: '127.0.0.1', port: 9464 });
        expect(() => parseListenAddress('localhost')).to.throw("must be 'host:port'");
        expect(() => parseListenAddress('host:70000')).to.throw('not between 0 and 65535');
    });
});
