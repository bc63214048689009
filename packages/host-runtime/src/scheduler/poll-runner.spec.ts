import { expect } from 'chai';
import { ConnectorError, type PollBatch } from '@signal-connectors/connector-sdk';
import type { HostInstance } from '../composition/instance-composer.js';
import {
    ScriptedConnector,
    deferred,
    failingPoll,
    flush,
    makeArtifacts,
    type PollScript
} from '../test/scripted-connector.js';
import { createTestHost, testConfig, virtualPlugin, type TestHost } from '../test/test-host.js';
import type { PollEvent } from './poll-events.js';
import { PollRunner } from './poll-runner.js';

const SOURCE = { connector: 'acme.alpha', instance: 'alpha-1' };

function batch(n: number, size = 2): PollBatch {
    return {
        stream: 'default',
        artifacts: makeArtifacts(size, SOURCE, `b${n}`),
        checkpoint: { page: n },
        progress: { pages: 1, hosts: size }
    };
}

describe('PollRunner', () => {
    let test: TestHost;
    let instance: HostInstance;
    let runner: PollRunner;
    let events: PollEvent[];
    let connector: ScriptedConnector;

    async function setup(
        poll: PollScript,
        settings: Record<string, unknown> = { url: 'https://x' },
        pollTimeout?: string
    ): Promise<void> {
        connector = new ScriptedConnector({ poll });
        const config = testConfig([
            { id: 'alpha-1', connector: 'acme.alpha', settings, ...(pollTimeout === undefined ? {} : { pollTimeout }) }
        ]);
        test = await createTestHost([virtualPlugin('acme.alpha', connector)], config);
        instance = test.host.instances[0];
        runner = new PollRunner({
            state: test.state,
            sink: test.sink,
            clock: test.clock,
            redact: text => test.host.redact(text),
            newRunId: () => `run-${events.length}`
        });
        events = [];
        runner.addListener(event => events.push(event));
    }

    it('writes each batch, then commits its checkpoint, and reports progress', async () => {
        await setup(async function* () {
            yield batch(1);
            yield batch(2, 3);
        });

        const outcome = await runner.run(instance, { runId: 'r1' });

        expect(outcome).to.include({
            runId: 'r1',
            instanceId: 'alpha-1',
            connectorId: 'acme.alpha',
            result: 'success',
            artifacts: 5,
            batches: 2
        });
        expect(test.sink.writes.map(w => w.artifacts.length)).to.deep.equal([2, 3]);
        expect(test.state.commits).to.deep.equal([
            { instanceId: 'alpha-1', runId: 'r1', stream: 'default', checkpoint: { page: 1 }, artifacts: 2 },
            { instanceId: 'alpha-1', runId: 'r1', stream: 'default', checkpoint: { page: 2 }, artifacts: 3 }
        ]);
        expect(test.state.getStatus('alpha-1').lastRun).to.deep.include({
            runId: 'r1',
            result: 'success',
            artifacts: 5,
            batches: 2
        });
        // The connector ended without a status: a stream that delivered and simply returned completed.
        expect(events.map(e => e.type)).to.deep.equal(['started', 'batch', 'batch', 'stream', 'finished']);
        expect(events[3]).to.deep.include({ stream: 'default', status: 'complete' });
        expect(events[2]).to.deep.include({
            stream: 'default',
            batch: 2,
            artifacts: 3,
            totalArtifacts: 5,
            progress: { pages: 1, hosts: 3 }
        });

        await runner.run(instance);
        expect(connector.polls[1].checkpoint).to.deep.equal({ page: 2 });
        expect(connector.polls[1].ctx).to.include({ connectorId: 'acme.alpha', instanceId: 'alpha-1', runId: 'run-5' });
    });

    it('does not commit a checkpoint when the sink fails, and replays from the last committed one', async () => {
        await setup(async function* (checkpoint) {
            const start = (checkpoint as { page: number } | undefined)?.page ?? 0;
            for (let page = start + 1; page <= 3; page++) yield batch(page);
        });
        test.sink.failWith(new Error('disk full'), (_, artifacts) => artifacts[0].id.startsWith('b2'));

        const failed = await runner.run(instance);

        expect(failed.result).to.equal('failed');
        expect(failed.error).to.deep.include({ kind: 'sink' });
        expect(failed.error!.message).to.contain('disk full').and.to.contain('checkpoint was not moved');
        expect(failed).to.include({ artifacts: 2, batches: 1 });
        expect(test.state.getCheckpoints('alpha-1').default).to.deep.equal({ page: 1 });
        expect(connector.active, 'the connector generator was closed').to.equal(0);

        test.sink.heal();
        const replay = await runner.run(instance);
        expect(replay.result).to.equal('success');
        expect(connector.polls[1].checkpoint).to.deep.equal({ page: 1 });
        expect(test.state.getCheckpoints('alpha-1').default).to.deep.equal({ page: 3 });
    });

    it('records a ConnectorError with its kind, redacted message and hint, keeping retryAfterMs', async () => {
        await setup(
            async function* () {
                yield batch(1);
                throw new ConnectorError('rate_limited', 'limit hit for hunter2-password', {
                    hint: 'wait for hunter2-password',
                    retryAfterMs: 60_000
                });
            },
            { url: 'https://x', password: 'hunter2-password' }
        );

        const outcome = await runner.run(instance);

        expect(outcome.result).to.equal('failed');
        expect(outcome.error).to.deep.equal({
            kind: 'rate_limited',
            message: 'limit hit for [REDACTED]',
            hint: 'wait for [REDACTED]',
            retryAfterMs: 60_000
        });
        expect(test.state.getStatus('alpha-1').lastRun!.error).to.deep.equal({
            kind: 'rate_limited',
            message: 'limit hit for [REDACTED]',
            hint: 'wait for [REDACTED]'
        });
        expect(test.state.getCheckpoints('alpha-1').default).to.deep.equal({ page: 1 });
        expect(test.services.loggers.text()).to.not.contain('hunter2-password');
    });

    it('counts any other plugin error as transient', async () => {
        await setup(failingPoll(() => new TypeError('cannot read properties of undefined')));

        const outcome = await runner.run(instance);

        expect(outcome.error).to.deep.include({
            kind: 'transient',
            message: 'unexpected error in plugin: cannot read properties of undefined'
        });
    });

    it('on abort, finishes the batch being delivered, commits it, and stops', async () => {
        const controller = new AbortController();
        let asked = 0;
        await setup(async function* () {
            for (let page = 1; page <= 3; page++) {
                asked = page;
                yield batch(page);
            }
        });
        test.sink.hold();

        const running = runner.run(instance, { signal: controller.signal });
        await flush();
        expect(test.sink.attempts).to.equal(1);
        controller.abort();
        test.sink.release();
        const outcome = await running;

        expect(outcome).to.include({ result: 'cancelled', batches: 1, artifacts: 2 });
        expect(outcome.error).to.equal(undefined);
        expect(test.state.getCheckpoints('alpha-1').default).to.deep.equal({ page: 1 });
        expect(asked).to.equal(1);
        expect(test.state.getStatus('alpha-1').lastRun!.result).to.equal('cancelled');
    });

    it('on abort, does not write a batch that arrives after it', async () => {
        const controller = new AbortController();
        const gate = deferred();
        await setup(async function* () {
            yield batch(1);
            await gate.promise; // ignores the signal, as a slow connector might
            yield batch(2);
        });

        const running = runner.run(instance, { signal: controller.signal });
        await flush();
        controller.abort();
        gate.resolve();
        const outcome = await running;

        expect(outcome).to.include({ result: 'cancelled', batches: 1 });
        expect(test.sink.attempts).to.equal(1);
        expect(test.state.commits).to.have.length(1);
    });

    it('stops a poll that exceeds its timeout at the next boundary and fails it', async () => {
        await setup(
            async function* (_checkpoint, ctx) {
                yield batch(1);
                await ctx.clock.sleep(5000, ctx.signal);
                yield batch(2);
            },
            undefined,
            '1s'
        );

        const running = runner.run(instance);
        await flush();
        await test.clock.advance(1000);
        const outcome = await running;

        expect(outcome).to.include({ result: 'failed', batches: 1, timedOut: true });
        expect(outcome.error!.kind).to.equal('transient');
        expect(outcome.error!.message).to.contain('exceeded its timeout of 1s');
        expect(test.state.getCheckpoints('alpha-1').default).to.deep.equal({ page: 1 });
        expect(test.clock.pendingSleeps).to.equal(0);
    });

    it('ignores a listener that throws', async () => {
        await setup(async function* () {
            yield batch(1);
        });
        runner.addListener(() => {
            throw new Error('broken display');
        });

        expect((await runner.run(instance)).result).to.equal('success');
    });
});
