import { expect } from 'chai';
import { ConnectorError } from '@signal-connectors/connector-sdk';
import type { InstanceConfig } from '../config/runtime-config.js';
import {
    ScriptedConnector,
    deferred,
    failingPoll,
    flush,
    makeArtifacts,
    type Deferred,
    type PollScript
} from '../test/scripted-connector.js';
import { createTestHost, testConfig, virtualPlugin, type TestHost } from '../test/test-host.js';
import { PollRunner } from './poll-runner.js';
import { Scheduler } from './scheduler.js';

const MINUTE = 60_000;

type InstanceSpec = Partial<InstanceConfig> & Pick<InstanceConfig, 'id'>;

describe('Scheduler', () => {
    let test: TestHost;
    let connector: ScriptedConnector;
    let scheduler: Scheduler;
    let t0: number;

    async function setup(
        poll: PollScript,
        instances: InstanceSpec[],
        options: { maxConcurrentPolls?: number; random?: number } = {}
    ): Promise<void> {
        connector = new ScriptedConnector({ poll });
        const config = testConfig(instances.map(instance => ({ connector: 'acme.alpha', ...instance })));
        test = await createTestHost([virtualPlugin('acme.alpha', connector)], config);
        expect(test.host.problems).to.deep.equal([]);
        scheduler = newScheduler(options);
        t0 = test.clock.now();
    }

    /** A scheduler of the test host's instances, reading their state as it is now (as after a restart). */
    function newScheduler(options: { maxConcurrentPolls?: number; random?: number } = {}): Scheduler {
        const runner = new PollRunner({ state: test.state, sink: test.sink, clock: test.clock });
        return new Scheduler(test.host.instances, {
            runner,
            state: test.state,
            clock: test.clock,
            logger: test.host.logger,
            maxConcurrentPolls: options.maxConcurrentPolls ?? 2,
            random: () => options.random ?? 0
        });
    }

    afterEach(async () => {
        const stopping = scheduler?.stop({ timeoutMs: 1000 });
        await test?.clock.runAll();
        await stopping;
    });

    /** Starts the scheduler and lets polls due at once begin (the fake clock only wakes sleeps it knows of). */
    async function start(): Promise<void> {
        scheduler.start();
        await flush();
    }

    const minutesOfPolls = (): number[] => connector.polls.map(p => (p.startedAt - t0) / MINUTE);
    const logs = (level: 'info' | 'warn'): string[] => test.services.loggers.root.messages(level);
    const succeeding: PollScript = async function* (_checkpoint, ctx) {
        yield {
            artifacts: makeArtifacts(1, { connector: 'acme.alpha', instance: ctx.instanceId }),
            checkpoint: { at: ctx.clock.now() }
        };
    };

    it('waits a random initial delay bounded by 10% of the interval, at most one minute, then polls on the interval', async () => {
        await setup(
            succeeding,
            [
                { id: 'a', pollingInterval: '30m' },
                { id: 'b', pollingInterval: '5m' }
            ],
            { random: 0.5 }
        );

        await start();
        expect(test.state.getStatus('a').nextRunAt).to.equal(new Date(t0 + 30_000).toISOString());
        expect(test.state.getStatus('b').nextRunAt).to.equal(new Date(t0 + 15_000).toISOString());
        await test.clock.advance(14_999);
        expect(connector.polls).to.have.length(0);
        await test.clock.advance(1);
        expect(connector.polls.map(p => p.ctx.instanceId)).to.deep.equal(['b']);
        await test.clock.advance(15_000);
        expect(connector.polls.map(p => p.ctx.instanceId)).to.deep.equal(['b', 'a']);

        await test.clock.advance(30 * MINUTE);
        expect(connector.polls.filter(p => p.ctx.instanceId === 'a').map(p => p.startedAt - t0)).to.deep.equal([
            30_000,
            30_000 + 30 * MINUTE
        ]);
        expect(connector.polls.filter(p => p.ctx.instanceId === 'b')).to.have.length(7);
        expect(scheduler.status('a')!.nextRunAt).to.equal(t0 + 30_000 + 60 * MINUTE);
    });

    it('honours an instance initialDelay as the bound of the random delay', async () => {
        await setup(succeeding, [{ id: 'a', pollingInterval: '4h', initialDelay: '10s' }], { random: 0.999 });

        await start();
        await test.clock.advance(10_000);

        expect(connector.polls).to.have.length(1);
        expect(connector.polls[0].startedAt - t0).to.be.within(9_000, 10_000);
    });

    it('never runs one instance twice at once: a trigger or tick during a poll joins it', async () => {
        const gate = deferred();
        await setup(
            async function* (checkpoint, ctx, call) {
                if (call === 0) await gate.promise;
                yield* succeeding(checkpoint, ctx, call);
            },
            [{ id: 'a', pollingInterval: '1m' }]
        );

        await start();
        expect(scheduler.isBusy('a')).to.equal(true);
        const joined = scheduler.trigger('a');
        await test.clock.advance(5 * MINUTE);
        gate.resolve();
        const outcome = await joined;

        expect(outcome.result).to.equal('success');
        expect(connector.maxActive).to.equal(1);
        expect(connector.polls).to.have.length(1);
        expect(logs('info').some(line => line.includes('already running; the manual trigger joins it'))).to.equal(true);
        // Ticks missed during the long poll are skipped: the next poll is on the next tick of the schedule.
        expect(scheduler.status('a')!.nextRunAt).to.equal(t0 + 6 * MINUTE);
    });

    it('skips a scheduled tick while a manually triggered poll is still running', async () => {
        const gate = deferred();
        await setup(
            async function* (checkpoint, ctx, call) {
                if (call === 0) await gate.promise;
                yield* succeeding(checkpoint, ctx, call);
            },
            [{ id: 'a', pollingInterval: '10m', initialDelay: '1m' }],
            { random: 0.5 }
        );

        await start();
        const manual = scheduler.trigger('a');
        await test.clock.advance(30_000);
        expect(logs('info').some(line => line.includes('Skipping the scheduled poll of a'))).to.equal(true);
        gate.resolve();
        await manual;

        expect(connector.polls).to.have.length(1);
        expect(connector.maxActive).to.equal(1);
    });

    it('runs at most maxConcurrentPolls polls across instances, the others queued in order', async () => {
        const gates: Deferred[] = [deferred(), deferred(), deferred()];
        await setup(
            async function* (checkpoint, ctx, call) {
                await gates[call].promise;
                yield* succeeding(checkpoint, ctx, call);
            },
            [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
            { maxConcurrentPolls: 2 }
        );

        await start();
        expect(connector.polls.map(p => p.ctx.instanceId)).to.deep.equal(['a', 'b']);
        expect(scheduler.status('c')).to.include({ queued: true, running: false });

        gates[1].resolve();
        await flush();
        expect(connector.polls.map(p => p.ctx.instanceId)).to.deep.equal(['a', 'b', 'c']);
        expect(connector.maxActive).to.equal(2);
        gates[0].resolve();
        gates[2].resolve();
        await flush();
        expect(connector.active).to.equal(0);
    });

    it('backs off exponentially after failures, from interval/8 up to the interval', async () => {
        await setup(
            failingPoll(() => new ConnectorError('transient', 'server busy')),
            [{ id: 'a', pollingInterval: '80m' }]
        );

        await start();
        await test.clock.advance(200 * MINUTE);

        expect(minutesOfPolls()).to.deep.equal([0, 10, 30, 70, 150]);
        expect(scheduler.status('a')).to.deep.include({ consecutiveFailures: 5, nextRunAt: t0 + 230 * MINUTE });
        expect(scheduler.status('a')!.failedReason).to.equal(undefined);
        expect(logs('warn').filter(line => line.includes('retrying at'))).to.have.length(5);
    });

    it('retries a rate-limited poll after the retryAfterMs the connector asked for', async () => {
        await setup(
            async function* (checkpoint, ctx, call) {
                if (call === 0) throw new ConnectorError('rate_limited', 'too many requests', { retryAfterMs: 90_000 });
                yield* succeeding(checkpoint, ctx, call);
            },
            [{ id: 'a', pollingInterval: '80m' }]
        );

        await start();
        await test.clock.advance(90 * MINUTE);

        expect(minutesOfPolls()).to.deep.equal([0, 1.5, 81.5]);
        expect(scheduler.status('a')!.consecutiveFailures).to.equal(0);
    });

    it('retries protocol failures a bounded number of times, then waits for the schedule and marks it in status', async () => {
        let fixed = false;
        await setup(
            async function* (checkpoint, ctx, call) {
                if (!fixed) throw new ConnectorError('protocol', 'truncated page', { hint: 'check the proxy' });
                yield* succeeding(checkpoint, ctx, call);
            },
            [{ id: 'a', pollingInterval: '80m', protocolRetries: 2 }]
        );

        await start();
        await test.clock.advance(200 * MINUTE);

        // Two quick retries (interval/8, then /4), then only the normal schedule, counted from the run's start.
        expect(minutesOfPolls()).to.deep.equal([0, 10, 30, 110, 190]);
        const reason = scheduler.status('a')!.failedReason;
        expect(reason).to.include({ kind: 'protocol', hint: 'check the proxy' });
        expect(reason!.message).to.contain('5 polls in a row').and.to.contain('truncated page');
        expect(test.state.getStatus('a').failedReason).to.deep.equal(reason);
        expect(logs('warn').filter(line => line.includes('no more quick retries'))).to.have.length(3);

        fixed = true;
        await test.clock.advance(80 * MINUTE);
        expect(minutesOfPolls()).to.deep.equal([0, 10, 30, 110, 190, 270]);
        expect(scheduler.status('a')!.failedReason).to.equal(undefined);
        expect(test.state.getStatus('a').failedReason).to.equal(undefined);
        expect(logs('info')).to.include('Instance a is healthy again');
    });

    it('counts only protocol failures in a row: another kind of failure starts the count again', async () => {
        const kinds = ['protocol', 'protocol', 'transient', 'protocol', 'protocol'] as const;
        let call = 0;
        await setup(
            failingPoll(() => new ConnectorError(kinds[call++] ?? 'protocol', 'bad answer')),
            [{ id: 'a', pollingInterval: '80m', protocolRetries: 2 }]
        );

        await start();
        await test.clock.advance(300 * MINUTE);

        // The transient failure at 30 broke the run of protocol failures: three more in a row (70, 150, 230) are
        // needed before the instance waits for its normal schedule.
        expect(minutesOfPolls()).to.deep.equal([0, 10, 30, 70, 150, 230]);
        expect(scheduler.status('a')).to.deep.include({ consecutiveFailures: 6, nextRunAt: t0 + 310 * MINUTE });
        expect(scheduler.status('a')!.failedReason?.message).to.contain('3 polls in a row');
    });

    it('keeps an instance marked after protocol failures on its normal schedule after a restart', async () => {
        await setup(failingPoll(() => new ConnectorError('protocol', 'bad answer')), [
            { id: 'a', pollingInterval: '80m' }
        ]);
        test.state.markFailed('a', { kind: 'protocol', message: 'bad or truncated responses' });
        scheduler = newScheduler();

        await start();
        await test.clock.advance(100 * MINUTE);

        expect(minutesOfPolls()).to.deep.equal([0, 80]);
        expect(scheduler.status('a')!.failedReason?.kind).to.equal('protocol');
    });

    for (const kind of ['auth', 'permission', 'config', 'not_found'] as const) {
        it(`marks an instance failing with '${kind}' failed and retries it only on its normal schedule`, async () => {
            let fixed = false;
            await setup(
                async function* (checkpoint, ctx, call) {
                    if (!fixed) throw new ConnectorError(kind, `${kind} problem`, { hint: 'fix the account' });
                    yield* succeeding(checkpoint, ctx, call);
                },
                [{ id: 'a', pollingInterval: '80m' }]
            );

            await start();
            await test.clock.advance(100 * MINUTE);

            expect(minutesOfPolls()).to.deep.equal([0, 80]);
            const reason = { kind, message: `${kind} problem`, hint: 'fix the account' };
            expect(scheduler.status('a')!.failedReason).to.deep.equal(reason);
            expect(test.state.getStatus('a').failedReason).to.deep.equal(reason);
            expect(logs('warn').some(line => line.startsWith(`Instance a marked failed (${kind})`))).to.equal(true);

            fixed = true;
            await test.clock.advance(60 * MINUTE);
            expect(minutesOfPolls()).to.deep.equal([0, 80, 160]);
            expect(scheduler.status('a')!.failedReason).to.equal(undefined);
            expect(test.state.getStatus('a').failedReason).to.equal(undefined);
        });
    }

    it('polls on a manual trigger, disabled instances too, and resolves with the outcome', async () => {
        await setup(
            succeeding,
            [
                { id: 'a', pollingInterval: '1h', initialDelay: '1m' },
                { id: 'off', enabled: false }
            ],
            { random: 0.5 }
        );
        await start();

        const outcome = await scheduler.trigger('a', { runId: 'manual-1' });
        expect(outcome).to.include({ runId: 'manual-1', result: 'success', artifacts: 1 });
        expect(test.sink.artifacts('a')).to.have.length(1);
        expect(scheduler.status('a')!.nextRunAt).to.equal(t0 + 60 * MINUTE);
        expect(test.state.getStatus('off').nextRunAt).to.equal(undefined);
        expect((await scheduler.trigger('off')).result).to.equal('success');

        let error: unknown;
        await scheduler.trigger('nope').catch(e => (error = e));
        expect((error as Error).message).to.equal("unknown instance 'nope'");
    });

    it('stops: aborts in-flight polls at a batch boundary, waits for them and clears the next runs', async () => {
        await setup(
            async function* (_checkpoint, ctx) {
                for (let page = 1; ; page++) {
                    yield {
                        artifacts: makeArtifacts(1, { connector: 'acme.alpha', instance: ctx.instanceId }, `p${page}`),
                        checkpoint: { page }
                    };
                    await ctx.clock.sleep(1000, ctx.signal);
                }
            },
            [{ id: 'a' }]
        );
        await start();
        await test.clock.advance(2500);

        const result = await scheduler.stop({ timeoutMs: 10_000 });

        expect(result).to.deep.equal({ completed: true, stillRunning: [] });
        expect(test.state.getStatus('a').lastRun).to.deep.include({ result: 'cancelled', batches: 3 });
        expect(test.state.getCheckpoints('a').default).to.deep.equal({ page: 3 });
        expect(test.state.getStatus('a').nextRunAt).to.equal(undefined);
        expect(scheduler.running).to.equal(false);
        let error: unknown;
        await scheduler.trigger('a').catch(e => (error = e));
        expect((error as Error).message).to.equal('the scheduler is stopping');
    });

    it('stops waiting for a poll that ignores the abort after the timeout', async () => {
        const never = deferred();
        // Ignores the abort, then fails; by then stop() has stopped waiting.
        await setup(
            failingPoll(() => new Error('late'), never.promise),
            [{ id: 'a' }]
        );
        await start();

        const stopping = scheduler.stop({ timeoutMs: 5000 });
        await test.clock.advance(5000);

        expect(await stopping).to.deep.equal({ completed: false, stillRunning: ['a'] });
        never.resolve();
    });
});
