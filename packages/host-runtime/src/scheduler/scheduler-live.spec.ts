import { expect } from 'chai';
import { ConnectorError, DEFAULT_STREAM_ID, type PollBatch, type PollContext, type PollItem, type StreamCheckpoints } from '@signal-connectors/connector-sdk';
import type { HostInstance } from '../composition/instance-composer.js';
import type { InstanceConfig } from '../config/runtime-config.js';
import { ScriptedConnector, deferred, flush, makeArtifacts, type PollScript } from '../test/scripted-connector.js';
import { createTestHost, testConfig, virtualPlugin, type TestHost } from '../test/test-host.js';
import { PollRunner } from './poll-runner.js';
import { Scheduler } from './scheduler.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A scripted connector that also records the settings each poll ran with. */
class SettingsRecordingConnector extends ScriptedConnector {
    readonly settings: unknown[] = [];

    override poll(config: unknown, checkpoint: StreamCheckpoints, ctx: PollContext): AsyncIterable<PollItem> {
        this.settings.push(config);
        return super.poll(config, checkpoint, ctx);
    }
}

/**
 * The scheduler takes console changes while it runs: a new, changed, disabled or deleted instance applies without
 * a restart, and the poll in flight of a disabled or deleted one stops at its next batch boundary.
 */
describe('Scheduler: live changes', () => {
    let test: TestHost;
    let connector: SettingsRecordingConnector;
    let scheduler: Scheduler;
    let t0: number;

    const batch = (ctx: PollContext, n: number): PollBatch => ({
        stream: DEFAULT_STREAM_ID,
        artifacts: makeArtifacts(1, { connector: 'acme.alpha', instance: ctx.instanceId }, `b${n}`),
        checkpoint: { batch: n }
    });
    const succeeding: PollScript = async function* (_checkpoint, ctx) {
        yield batch(ctx, 1);
    };

    async function setup(poll: PollScript, instances: Partial<InstanceConfig>[] = [{ id: 'a', pollingInterval: '1h' }]): Promise<void> {
        connector = new SettingsRecordingConnector({ poll });
        const config = testConfig(instances.map(instance => ({ id: 'a', connector: 'acme.alpha', ...instance })));
        test = await createTestHost([virtualPlugin('acme.alpha', connector)], config);
        expect(test.host.problems).to.deep.equal([]);
        const runner = new PollRunner({ state: test.state, sink: test.sink, clock: test.clock });
        scheduler = new Scheduler(test.host.instances, {
            runner,
            state: test.state,
            clock: test.clock,
            logger: test.host.logger,
            maxConcurrentPolls: 2,
            // Half of the bound: a 1h interval starts 30 s after start.
            random: () => 0.5
        });
        t0 = test.clock.now();
        scheduler.start();
        await flush();
    }

    /** An instance composed the way the console composes one. */
    function compose(config: Partial<InstanceConfig> & Pick<InstanceConfig, 'id'>): HostInstance {
        const composed = test.host.compose(
            { connector: 'acme.alpha', enabled: true, pollingInterval: '1h', settings: { url: 'https://api.example.com' }, ...config },
            0
        );
        if ('problems' in composed) throw new Error(JSON.stringify(composed.problems));
        return composed;
    }

    const pollsOf = (id: string): number[] =>
        connector.polls.filter(p => p.ctx.instanceId === id).map(p => (p.startedAt - t0) / 1000);

    afterEach(async () => {
        const stopping = scheduler?.stop({ timeoutMs: 1000 });
        await test?.clock.runAll();
        await stopping;
    });

    it('schedules a new instance at once: after its initial delay, or immediately when someone is watching', async () => {
        await setup(succeeding);
        scheduler.upsert(compose({ id: 'b' }));
        scheduler.upsert(compose({ id: 'c' }), { pollSoon: true });
        await flush();
        expect(pollsOf('c'), 'pollSoon').to.deep.equal([0]);
        expect(pollsOf('b')).to.deep.equal([]);

        await test.clock.advance(30_000);
        expect(pollsOf('a')).to.deep.equal([30]);
        expect(pollsOf('b')).to.deep.equal([30]);
        await test.clock.advance(HOUR);
        expect(pollsOf('b')).to.deep.equal([30, 3630]);
        expect(pollsOf('c')).to.deep.equal([0, 3600]);
    });

    it('plans a changed instance afresh: new settings and interval from the next poll; the poll in flight ends with the old', async () => {
        const gate = deferred();
        await setup(async function* (checkpoint, ctx, call) {
            if (call === 0) await gate.promise;
            yield* succeeding(checkpoint, ctx, call);
        });
        await test.clock.advance(30_000);
        expect(scheduler.isBusy('a')).to.equal(true);

        scheduler.upsert(compose({ id: 'a', pollingInterval: '5m', settings: { url: 'https://changed.example.com' } }));
        gate.resolve();
        await flush();
        expect(test.state.recentRuns('a', 10).reverse().map(run => run.result)).to.deep.equal(['success']);
        expect(connector.settings).to.deep.equal([{ url: 'https://api.example.com' }]);

        await test.clock.advance(5 * MINUTE);
        expect(pollsOf('a')).to.deep.equal([30, 330]);
        expect(connector.settings[1]).to.deep.equal({ url: 'https://changed.example.com' });
        expect(scheduler.status('a')!.nextRunAt).to.equal(t0 + 330_000 + 5 * MINUTE);
    });

    it('clears the failed mark of a changed instance: the change may be the fix, so it is polled on its new schedule', async () => {
        await setup(async function* (checkpoint, ctx, call) {
            if (call === 0) throw new ConnectorError('auth', 'bad login', { hint: 'check the password' });
            yield* succeeding(checkpoint, ctx, call);
        });
        await test.clock.advance(30_000);
        expect(scheduler.status('a')!.failedReason?.kind).to.equal('auth');

        scheduler.upsert(compose({ id: 'a', settings: { url: 'https://api.example.com', password: 'fixed-Pa55' } }), { pollSoon: true });
        expect(scheduler.status('a')!.failedReason).to.equal(undefined);
        expect(scheduler.status('a')!.consecutiveFailures).to.equal(0);
        await flush();
        expect(test.state.recentRuns('a', 10).reverse().map(run => run.result)).to.deep.equal(['failed', 'success']);
    });

    it('stops polling a disabled instance; its poll in flight stops at the next batch boundary', async () => {
        const second = deferred();
        await setup(async function* (_checkpoint, ctx) {
            yield batch(ctx, 1);
            await second.promise;
            yield batch(ctx, 2);
            yield batch(ctx, 3);
        });
        await test.clock.advance(30_000);
        expect(test.state.commits.map(c => c.checkpoint)).to.deep.equal([{ batch: 1 }]);

        scheduler.upsert(compose({ id: 'a', enabled: false }));
        second.resolve();
        await flush();
        expect(scheduler.isBusy('a')).to.equal(false);
        expect(test.state.commits.map(c => c.checkpoint), 'batch 2 arrived after the stop: not written').to.deep.equal([{ batch: 1 }]);
        expect(test.state.getCheckpoints('a')).to.deep.equal({ [DEFAULT_STREAM_ID]: { batch: 1 } });
        expect(test.state.recentRuns('a', 10).reverse().map(run => run.result)).to.deep.equal(['cancelled']);
        expect(scheduler.status('a')!.nextRunAt).to.equal(undefined);
        expect(test.state.getStatus('a').nextRunAt).to.equal(undefined);

        await test.clock.advance(10 * HOUR);
        expect(pollsOf('a')).to.deep.equal([30]);

        scheduler.upsert(compose({ id: 'a', enabled: true }), { pollSoon: true });
        await flush();
        expect(pollsOf('a'), 'enabled again').to.have.length(2);
    });

    it('forgets a deleted instance: its poll stops at a batch boundary, remove resolves once it ended, nothing more runs', async () => {
        const second = deferred();
        await setup(async function* (_checkpoint, ctx) {
            yield batch(ctx, 1);
            await second.promise;
            yield batch(ctx, 2);
        });
        await test.clock.advance(30_000);
        let removed = false;
        const removing = scheduler.remove('a').then(() => (removed = true));
        await flush();
        expect(removed, 'waits for the poll in flight').to.equal(false);
        expect(scheduler.status('a')).to.equal(undefined);

        second.resolve();
        await removing;
        expect(test.state.commits.map(c => c.checkpoint)).to.deep.equal([{ batch: 1 }]);
        expect(test.state.recentRuns('a', 10).reverse().map(run => run.result)).to.deep.equal(['cancelled']);
        await test.clock.advance(10 * HOUR);
        expect(pollsOf('a')).to.deep.equal([30]);
        try {
            await scheduler.trigger('a');
            expect.fail('a trigger of a deleted instance must be refused');
        } catch (error) {
            expect((error as Error).message).to.equal("unknown instance 'a'");
        }
    });

    it('leaves the other instances alone while one is changed, disabled or deleted', async () => {
        await setup(succeeding, [
            { id: 'a', pollingInterval: '1h' },
            { id: 'b', pollingInterval: '1h' }
        ]);
        scheduler.upsert(compose({ id: 'a', pollingInterval: '2h' }));
        await scheduler.remove('a');
        await test.clock.advance(30_000 + HOUR);
        expect(pollsOf('b')).to.deep.equal([30, 3630]);
        expect(pollsOf('a')).to.deep.equal([]);
    });
});
