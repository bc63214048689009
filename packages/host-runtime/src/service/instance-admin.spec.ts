import { expect } from 'chai';
import { DEFAULT_STREAM_ID } from '@signal-connectors/connector-sdk';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ACME, AdminHarness, CONSOLE_HOST } from '../test/admin-harness.js';
import { deferred, flush, makeArtifacts } from '../test/scripted-connector.js';
import { AdminActionError, type InstanceInput, type SaveResult } from './instance-admin.js';
import { LiveInstances } from './live-instances.js';
import { SecretBox } from './secret-box.js';

const PASSWORD = 'Console-Pa55word-7Qx';
const ACTOR = 'api token';

/** A console instance as a person would enter it. */
function input(overrides: Partial<InstanceInput> = {}): InstanceInput {
    return {
        id: 'acme-one',
        connector: ACME,
        enabled: true,
        pollingInterval: '30m',
        settings: { host: 'api.eu.acme.example', username: 'analyst', password: PASSWORD },
        ...overrides
    };
}

async function saved(pending: SaveResult | Promise<SaveResult>): Promise<void> {
    const result = await pending;
    if (!result.ok) expect.fail(`not saved: ${JSON.stringify(result.problems)}`);
}

/** The error an action throws. */
async function refusal(action: () => unknown): Promise<AdminActionError> {
    try {
        await action();
    } catch (error) {
        expect(error).to.be.instanceOf(AdminActionError);
        return error as AdminActionError;
    }
    return expect.fail('the action was not refused');
}

/** Every byte of the data directory. */
function dataBytes(dir: string): Buffer {
    return Buffer.concat(readdirSync(dir).map(name => readFileSync(join(dir, name))));
}

describe('InstanceAdmin', () => {
    let harness: AdminHarness;

    afterEach(async () => harness?.close());

    describe('secrets', () => {
        it('stores a console instance with its secrets sealed: none in the database, none in what is shown', async () => {
            harness = await AdminHarness.start({ startScheduler: false });
            await saved(harness.admin.create(input(), ACTOR));

            const stored = harness.store.getInstance('acme-one')!;
            expect(stored.settings).to.deep.equal({ host: 'api.eu.acme.example', username: 'analyst' });
            expect(stored.sealedSecrets).to.match(/^v1:/);
            expect(dataBytes(harness.dataDir).includes(Buffer.from(PASSWORD))).to.equal(false);
            const live = harness.instances.get('acme-one')!;
            expect(live.configuredSecrets).to.deep.equal(['password']);
            expect(JSON.stringify(live.plainSettings)).to.not.contain(PASSWORD);
            expect(live.composed?.settings).to.deep.include({ password: PASSWORD });
        });

        it('keeps a stored secret when a save leaves it out, and removes it on an explicit clear', async () => {
            harness = await AdminHarness.start({ startScheduler: false });
            await saved(harness.admin.create(input({ settings: { ...input().settings, proxyUrl: 'http://u:Pr0xy-pw@proxy:3128' } }), ACTOR));

            await saved(harness.admin.update('acme-one', { enabled: true, pollingInterval: '1h', settings: { host: 'api.eu.acme.example', username: 'analyst' } }, ACTOR));
            expect(harness.instances.get('acme-one')!.composed?.settings).to.deep.include({ password: PASSWORD, proxyUrl: 'http://u:Pr0xy-pw@proxy:3128' });
            expect(harness.instances.get('acme-one')!.pollingInterval).to.equal('1h');

            await saved(harness.admin.update('acme-one', { enabled: true, pollingInterval: '1h', settings: { host: 'api.eu.acme.example', username: 'analyst', password: '' }, clearSecrets: ['proxyUrl'] }, ACTOR));
            const live = harness.instances.get('acme-one')!;
            expect(live.configuredSecrets).to.deep.equal(['password']);
            expect(live.composed?.settings).to.not.have.property('proxyUrl');
            expect(new SecretBox('a-test-secret-key-of-32-characters!').open('acme-one', harness.store.getInstance('acme-one')!.sealedSecrets!)).to.deep.equal({ password: PASSWORD });
        });

        it('refuses to save a secret without admin.secretKey, saying how to set one', async () => {
            harness = await AdminHarness.start({ secretKey: null, startScheduler: false });
            const result = await harness.admin.create(input(), ACTOR);
            expect(result.ok).to.equal(false);
            const problem = (result as { problems: { path: string; message: string; hint?: string }[] }).problems[0];
            expect(problem.path).to.equal('settings.password');
            expect(problem.message).to.contain('no encryption key is set');
            expect(problem.hint).to.contain('admin.secretKey').and.contain('${env:SIGNAL_SECRET_KEY}');
            expect(harness.store.getInstance('acme-one')).to.equal(undefined);
        });

        it('keeps console instances and their secrets across a restart; another key cannot open them', async () => {
            harness = await AdminHarness.start({ startScheduler: false });
            await saved(harness.admin.create(input(), ACTOR));
            const host = harness.test.host;

            const again = new LiveInstances(host, harness.store, new SecretBox('a-test-secret-key-of-32-characters!'), host.logger);
            expect(again.get('acme-one')!.composed?.settings).to.deep.include({ password: PASSWORD });

            const otherKey = new LiveInstances(host, harness.store, new SecretBox('some-other-key-of-32-characters!!'), host.logger);
            const locked = otherKey.get('acme-one')!;
            expect(locked.composed).to.equal(undefined);
            expect(locked.problems[0].message).to.contain('cannot be decrypted').and.contain('admin.secretKey');
            const noKey = new LiveInstances(host, harness.store, undefined, host.logger);
            expect(noKey.get('acme-one')!.problems[0].message).to.contain('admin.secretKey is not set');
        });
    });

    describe('the subscription rule', () => {
        const CHECKPOINT = { watermark: '2026-05-01T00:00:00Z' };

        async function withCheckpoint(): Promise<void> {
            harness = await AdminHarness.start({ startScheduler: false });
            await saved(harness.admin.create(input(), ACTOR));
            harness.store.commitCheckpoint('acme-one', 'run-1', DEFAULT_STREAM_ID, CHECKPOINT, 10);
        }

        const change = (settings: Record<string, unknown>, pollingInterval = '30m') =>
            harness.admin.update('acme-one', { enabled: true, pollingInterval, settings: { ...input().settings, ...settings } }, ACTOR);

        it('keeps the checkpoint when the settings change but the subscription does not', async () => {
            await withCheckpoint();
            await saved(change({ password: 'Another-Pa55word-9' }));
            await saved(change({ pageSize: 100, includeResults: false }, '4h'));
            await saved(change({ password: '' }));
            expect(harness.store.getCheckpoints('acme-one')).to.deep.equal({ [DEFAULT_STREAM_ID]: CHECKPOINT });
            expect(harness.auditLines().filter(line => line.includes('update'))).to.have.length(3);
        });

        it('drops the checkpoint when the host changes: it belongs to another subscription', async () => {
            await withCheckpoint();
            await saved(change({ host: 'api.us.acme.example' }));
            expect(harness.store.getCheckpoints('acme-one')).to.deep.equal({});
            const meta = harness.captured.root.entries.find(entry => entry.message.includes('update acme-one'))?.meta;
            expect(meta).to.include({ checkpoint: 'reset: the subscription changed', action: 'update', instance: 'acme-one' });
        });

        it('drops the checkpoint when the username changes', async () => {
            await withCheckpoint();
            await saved(change({ username: 'someone-else' }));
            expect(harness.store.getCheckpoints('acme-one')).to.deep.equal({});
        });

        it('keeps the checkpoint of a rejected change', async () => {
            await withCheckpoint();
            const result = await change({ host: CONSOLE_HOST });
            expect(result.ok).to.equal(false);
            expect(harness.store.getCheckpoints('acme-one')).to.deep.equal({ [DEFAULT_STREAM_ID]: CHECKPOINT });
            expect(harness.instances.get('acme-one')!.plainSettings.host).to.equal('api.eu.acme.example');
        });
    });

    describe('validation', () => {
        it('returns every problem at once, each with its path: name, interval and the plugin settings', async () => {
            harness = await AdminHarness.start({ startScheduler: false });
            const result = await harness.admin.create(input({ id: 'Bad Name', pollingInterval: 'soon', settings: { host: CONSOLE_HOST } }), ACTOR);
            expect(result.ok).to.equal(false);
            const problems = (result as { problems: { path: string; message: string; hint?: string }[] }).problems;
            expect(problems.map(p => p.path)).to.have.members(['id', 'pollingInterval', 'settings.username', 'settings.password', 'settings.host']);
            expect(problems.find(p => p.path === 'settings.host')!.hint).to.contain('api.eu.acme.example');
            expect(problems.find(p => p.path === 'pollingInterval')!.hint).to.contain('30m');
        });

        it('refuses a name that is taken, by the file or the console', async () => {
            harness = await AdminHarness.start({ fileInstances: [{ id: 'from-file' }], startScheduler: false });
            const result = await harness.admin.create(input({ id: 'from-file' }), ACTOR);
            expect(result.ok).to.equal(false);
            expect(JSON.stringify(result)).to.contain("an instance named 'from-file' already exists");
        });
    });

    describe('guards', () => {
        it('leaves instances of the config file read-only', async () => {
            harness = await AdminHarness.start({ fileInstances: [{ id: 'from-file' }], startScheduler: false });
            for (const action of [
                () => harness.admin.update('from-file', { enabled: true, pollingInterval: '1h', settings: {} }, ACTOR),
                () => harness.admin.setEnabled('from-file', false, ACTOR),
                () => harness.admin.delete('from-file', ACTOR)
            ]) {
                const error = await refusal(action);
                expect(error.status).to.equal(409);
                expect(error.message).to.contain('managed by the config file');
            }
            expect(harness.instances.get('from-file')!.enabled).to.equal(true);
        });

        it('refuses a manual poll of a disabled instance with the reason, and polls nothing', async () => {
            harness = await AdminHarness.start();
            await saved(harness.admin.create(input({ enabled: false }), ACTOR));
            const error = await refusal(() => harness.admin.poll('acme-one', ACTOR));
            expect(error.status).to.equal(409);
            expect(error.message).to.equal("'acme-one' is disabled, so it is not polled; enable it first");
            await flush();
            expect(harness.connector.polls).to.have.length(0);
        });

        it('allows a connection test while a scheduled poll runs, but no manual poll', async () => {
            const gate = deferred();
            harness = await AdminHarness.start({
                connector: {
                    poll: async function* (_checkpoint, ctx) {
                        await gate.promise;
                        yield { stream: DEFAULT_STREAM_ID, artifacts: makeArtifacts(1, { connector: ACME, instance: ctx.instanceId }), checkpoint: {} };
                    }
                }
            });
            await saved(harness.admin.create(input(), ACTOR));
            await flush();
            expect(harness.admin.busy('acme-one'), 'the first poll runs at once').to.equal(true);
            expect((await harness.admin.test('acme-one', ACTOR)).report.ok).to.equal(true);
            const error = await refusal(() => harness.admin.poll('acme-one', ACTOR));
            expect(error.message).to.contain('already running').and.contain('try again when it ends');
            gate.resolve();
            await flush();
            expect(harness.admin.busy('acme-one')).to.equal(false);
        });

        it('runs at most one manual trigger of an instance at a time: a test, or a manual poll', async () => {
            const testGate = deferred();
            const pollGates = [deferred(), deferred()];
            harness = await AdminHarness.start({
                connector: {
                    testConnection: async () => {
                        await testGate.promise;
                        return { ok: true, message: 'reachable', latencyMs: 3 };
                    },
                    poll: async function* (_checkpoint, ctx, call) {
                        await pollGates[call].promise;
                        yield { stream: DEFAULT_STREAM_ID, artifacts: makeArtifacts(1, { connector: ACME, instance: ctx.instanceId }), checkpoint: {} };
                    }
                }
            });
            await saved(harness.admin.create(input({ enabled: false }), ACTOR));
            const testing = harness.admin.test('acme-one', ACTOR);
            expect((await refusal(() => harness.admin.test('acme-one', ACTOR))).message).to.contain('already running');
            await saved(harness.admin.setEnabled('acme-one', true, ACTOR));
            expect((await refusal(() => harness.admin.poll('acme-one', ACTOR))).status, 'poll during a test').to.equal(409);
            testGate.resolve();
            expect((await testing).report.ok).to.equal(true);
            pollGates[0].resolve();
            await flush();
            expect(harness.admin.busy('acme-one')).to.equal(false);

            harness.admin.poll('acme-one', ACTOR);
            await flush();
            expect((await refusal(() => harness.admin.test('acme-one', ACTOR))).message, 'test during a manual poll').to.contain(
                'already running'
            );
            pollGates[1].resolve();
            await flush();
            expect((await harness.admin.test('acme-one', ACTOR)).report.ok).to.equal(true);
            expect(harness.connector.polls).to.have.length(2);
        });

        it('writes one audit line per change: who, what, which instance, and never a secret', async () => {
            harness = await AdminHarness.start();
            await saved(harness.admin.create(input({ enabled: false }), 'console session 1a2b3c4d'));
            await saved(harness.admin.update('acme-one', { enabled: false, pollingInterval: '1h', settings: { ...input().settings, password: 'Changed-Pa55-1' } }, ACTOR));
            await saved(harness.admin.setEnabled('acme-one', true, ACTOR));
            await flush();
            await harness.admin.test('acme-one', ACTOR);
            await flush();
            await saved(harness.admin.setEnabled('acme-one', false, ACTOR));
            await harness.admin.delete('acme-one', ACTOR);
            expect(harness.auditLines()).to.deep.equal([
                'Audit: console session 1a2b3c4d create acme-one',
                'Audit: api token update acme-one',
                'Audit: api token enable acme-one',
                'Audit: api token test acme-one',
                'Audit: api token disable acme-one',
                'Audit: api token delete acme-one'
            ]);
            const text = harness.captured.text();
            expect(text).to.not.contain(PASSWORD).and.not.contain('Changed-Pa55-1');
            expect(harness.store.getInstance('acme-one')).to.equal(undefined);
        });
    });
});
