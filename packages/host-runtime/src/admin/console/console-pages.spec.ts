import { expect } from 'chai';
import { ConnectorError, DEFAULT_STREAM_ID } from '@signal-connectors/connector-sdk';
import { ACME, AdminHarness, type BrowserSession } from '../../test/admin-harness.js';
import { deferred, flush, makeArtifacts, type Deferred } from '../../test/scripted-connector.js';

const PASSWORD = 'Page-Pa55word-Qm42';
const FORM = {
    connector: ACME,
    id: 'acme-page',
    pollingInterval: '30m',
    enabled: 'on',
    'settings.host': 'api.eu.acme.example',
    'settings.username': 'analyst',
    'settings.password': PASSWORD
};

/** The text of the tile's status element. */
function statusOf(page: string, id: string): string {
    const tile = page.slice(page.indexOf(`id="tile-${id}"`));
    return /<p role="status"[^>]*><span class="dot" aria-hidden="true"><\/span>([^<]*)<\/p>/.exec(tile)?.[1] ?? '';
}

describe('console pages', () => {
    let harness: AdminHarness;
    let session: BrowserSession;

    afterEach(async () => harness?.close());

    describe('a poll in progress', () => {
        let gate: Deferred;

        beforeEach(async () => {
            gate = deferred();
            harness = await AdminHarness.start({
                connector: {
                    poll: async function* (_checkpoint, ctx, call) {
                        if (call === 0) throw new ConnectorError('auth', 'bad login', { hint: 'check the password' });
                        yield { stream: DEFAULT_STREAM_ID, artifacts: makeArtifacts(3, { connector: ACME, instance: ctx.instanceId }), checkpoint: { n: 1 }, progress: { hosts: 3 } };
                        await gate.promise;
                        yield { stream: DEFAULT_STREAM_ID, artifacts: makeArtifacts(2, { connector: ACME, instance: ctx.instanceId }, 'c'), checkpoint: { n: 2 } };
                    }
                }
            });
            session = await harness.login();
            expect((await harness.submit(session, '/integrations', FORM)).statusCode).to.equal(303);
            await flush();
        });

        it('shows Running with live progress, and never turns green merely because a new run started', async () => {
            let page = (await harness.page(session, '/integrations')).body;
            expect(statusOf(page, 'acme-page')).to.equal('Failing — authentication failed (auth)');
            expect(page).to.contain('What to do: check the password');

            await harness.submit(session, '/integrations/acme-page/poll');
            await flush();
            page = (await harness.page(session, '/integrations')).body;
            const running = statusOf(page, 'acme-page');
            expect(running).to.equal('Running — 3 artifacts in 1 batch (3 hosts); last finished poll failed');
            expect(page).to.contain('class="tile health-running"').and.not.contain('health-healthy');
            const api = (await harness.api('GET', '/api/instances/acme-page')).json();
            expect(api).to.deep.include({ health: 'running', running: true });
            expect(api.progress).to.include({ artifacts: 3, batches: 1 });
            expect(api.lastFinishedRun.result).to.equal('failed');

            gate.resolve();
            await flush();
            page = (await harness.page(session, '/integrations')).body;
            expect(statusOf(page, 'acme-page')).to.equal('Healthy — the last poll succeeded');
            expect(page).to.contain('5 artifacts in 2 batches');
        });
    });

    it('shows the last 50 runs with result, counts, duration and error', async () => {
        harness = await AdminHarness.start({ fileInstances: [{ id: 'busy-one' }], startScheduler: false });
        for (let i = 0; i < 60; i++) {
            const start = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
            harness.store.startRun('busy-one', `run-${i}`, start);
            harness.store.commitCheckpoint('busy-one', `run-${i}`, DEFAULT_STREAM_ID, { i }, i);
            const end = new Date(Date.UTC(2026, 0, 1, 0, i, 2)).toISOString();
            if (i % 10 === 9) harness.store.finishRun('busy-one', `run-${i}`, end, 'failed', { kind: 'rate_limited', message: 'too many calls', hint: 'wait' });
            else harness.store.finishRun('busy-one', `run-${i}`, end, 'success');
        }
        session = await harness.login();
        const page = (await harness.page(session, '/integrations/busy-one')).body;
        const history = page.slice(page.indexOf('id="history"'), page.indexOf('id="logs"'));
        const rows = history.match(/<tr>\s*<td>/g) ?? [];
        expect(rows).to.have.length(50);
        expect(history).to.contain('2026-01-01 00:59:00 UTC').and.not.contain('2026-01-01 00:09:00 UTC');
        expect(history).to.contain('59 artifacts in 1 batch').and.contain('2.0s');
        expect(history).to.contain('<strong>rate limited (rate_limited)</strong>: too many calls');
    });

    it('shows an instance of the config file read-only, marked as managed by the file', async () => {
        harness = await AdminHarness.start({ fileInstances: [{ id: 'from-file' }], startScheduler: false });
        session = await harness.login();
        const tiles = (await harness.page(session, '/integrations')).body;
        expect(tiles).to.contain('<dt>Managed by</dt><dd>config file (read-only)</dd>');
        const detail = (await harness.page(session, '/integrations/from-file')).body;
        expect(detail).to.contain('managed by the config file: change it there and restart');
        expect(detail).to.contain('>Test connection</button>').and.contain('>Poll now</button>');
        expect(detail).to.not.contain('/integrations/from-file/edit').and.not.contain('/integrations/from-file/delete').and.not.contain('>Disable</button>');
        expect(detail).to.not.contain('file-Pa55word-1');
        const form = await harness.page(session, '/integrations/from-file/edit');
        expect(form.statusCode).to.equal(409);
        expect(form.body).to.contain('managed by the config file').and.not.contain('<form method="post" action="/integrations/from-file/edit"');
        const edit = await harness.submit(session, '/integrations/from-file/edit', { pollingInterval: '1h' });
        expect(edit.statusCode).to.equal(409);
        const remove = await harness.submit(session, '/integrations/from-file/delete');
        expect(remove.statusCode).to.equal(409);
        expect(remove.body).to.contain('managed by the config file');
    });

    it('shows the recent log lines of an instance with its secrets redacted', async () => {
        harness = await AdminHarness.start({
            connector: {
                poll: async function* (_checkpoint, ctx) {
                    ctx.logger.warn(`retrying with password ${PASSWORD} after a timeout`);
                    yield { stream: DEFAULT_STREAM_ID, artifacts: makeArtifacts(1, { connector: ACME, instance: ctx.instanceId }), checkpoint: {} };
                }
            }
        });
        session = await harness.login();
        await harness.submit(session, '/integrations', FORM);
        await flush();
        const lines = harness.logs.recent('acme-page').map(line => line.message);
        expect(lines).to.include('retrying with password [REDACTED] after a timeout');
        const page = (await harness.page(session, '/integrations/acme-page')).body;
        expect(page).to.contain('retrying with password [REDACTED] after a timeout');
        expect(page).to.contain('Audit: console session').and.not.contain(PASSWORD);
        expect(page).to.contain('<dt>Password</dt><dd>configured</dd>').and.contain('<dt>API server</dt><dd>EU — api.eu.acme.example</dd>');
    });

    it('refuses Poll now of a disabled instance with the reason, and past the trigger limit with Retry-After', async () => {
        harness = await AdminHarness.start({ admin: { manualTriggers: { max: 2, windowMs: 60_000 } } });
        session = await harness.login();
        await harness.submit(session, '/integrations', { ...FORM, enabled: [] });
        const refused = await harness.submit(session, '/integrations/acme-page/poll');
        expect(refused.statusCode).to.equal(409);
        expect(refused.body).to.contain('role="alert"').and.contain('is disabled, so it is not polled; enable it first');

        await harness.submit(session, '/integrations/acme-page/test');
        const limited = await harness.submit(session, '/integrations/acme-page/test');
        expect(limited.statusCode).to.equal(429);
        expect(Number(limited.headers['retry-after'])).to.be.within(1, 60);
        expect(limited.body).to.contain('too many connection tests and manual polls');
        expect(harness.connector.polls).to.have.length(0);
    });
});
