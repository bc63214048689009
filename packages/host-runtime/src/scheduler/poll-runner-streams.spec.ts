import { expect } from 'chai';
import {
    ConnectorError,
    LEGACY_CHECKPOINT_KEY,
    type PollBatch,
    type StreamStatus
} from '@signal-connectors/connector-sdk';
import type { HostInstance } from '../composition/instance-composer.js';
import { ScriptedConnector, makeArtifacts, type PollScript } from '../test/scripted-connector.js';
import { createTestHost, testConfig, virtualPlugin, type TestHost } from '../test/test-host.js';
import type { PollEvent } from './poll-events.js';
import { PollRunner } from './poll-runner.js';
import { planNextRun } from './retry-policy.js';

const SOURCE = { connector: 'acme.multi', instance: 'multi-1' };
const STREAMS = ['hosts', 'kb', 'scans'].map(id => ({ id, title: id, description: `The ${id}.` }));

function batch(stream: string, n: number, size = 2): PollBatch {
    return { stream, artifacts: makeArtifacts(size, SOURCE, `${stream}-${n}`), checkpoint: { page: n } };
}

const complete = (stream: string): StreamStatus => ({ stream, status: 'complete' });
const failed = (stream: string, error: ConnectorError): StreamStatus => ({ stream, status: 'failed', error });

describe('PollRunner: streams', () => {
    let test: TestHost;
    let instance: HostInstance;
    let runner: PollRunner;
    let events: PollEvent[];
    let connector: ScriptedConnector;

    /** `streams: null` sets up a connector whose manifest declares none. */
    async function setup(poll: PollScript, streams: unknown[] | null = STREAMS): Promise<void> {
        connector = new ScriptedConnector({ poll });
        const manifest = streams === null ? {} : { streams };
        const config = testConfig([{ id: 'multi-1', connector: 'acme.multi' }]);
        test = await createTestHost([virtualPlugin('acme.multi', connector, manifest)], config);
        instance = test.host.instances[0];
        runner = new PollRunner({ state: test.state, sink: test.sink, clock: test.clock });
        events = [];
        runner.addListener(event => events.push(event));
    }

    const statuses = () =>
        Object.fromEntries(test.state.getStatus('multi-1').streams.map(s => [s.stream, [s.status, s.error?.kind]]));

    it('commits each batch for its stream; a failed stream leaves the others moving; the poll fails naming it', async () => {
        const refused = new ConnectorError('transient', 'Qualys answered HTTP 500 to the scan list', {
            hint: 'retried on the next poll'
        });
        await setup(async function* () {
            yield batch('kb', 1);
            yield complete('kb');
            yield batch('hosts', 1);
            yield batch('scans', 1);
            yield failed('scans', refused);
            yield batch('hosts', 2);
            yield complete('hosts');
        });

        const outcome = await runner.run(instance, { runId: 'r1' });

        expect(instance.streams).to.deep.equal(['hosts', 'kb', 'scans']);
        expect(test.state.commits.map(c => `${c.stream}:${(c.checkpoint as { page: number }).page}`)).to.deep.equal([
            'kb:1',
            'hosts:1',
            'scans:1',
            'hosts:2'
        ]);
        expect(test.state.getCheckpoints('multi-1')).to.deep.equal({
            hosts: { page: 2 },
            kb: { page: 1 },
            scans: { page: 1 }
        });
        expect(outcome).to.deep.include({ result: 'failed', artifacts: 8, batches: 4 });
        expect(outcome.error).to.deep.equal({
            kind: 'transient',
            message: "stream 'scans' failed: Qualys answered HTTP 500 to the scan list; kb, hosts completed",
            hint: 'retried on the next poll'
        });
        expect(outcome.streams).to.deep.equal({
            kb: { status: 'complete', artifacts: 2, batches: 1 },
            hosts: { status: 'complete', artifacts: 4, batches: 2 },
            scans: {
                status: 'failed',
                artifacts: 2,
                batches: 1,
                error: {
                    kind: 'transient',
                    message: 'Qualys answered HTTP 500 to the scan list',
                    hint: 'retried on the next poll'
                }
            }
        });
        expect(statuses()).to.deep.equal({
            hosts: ['complete', undefined],
            kb: ['complete', undefined],
            scans: ['failed', 'transient']
        });
        const hosts = test.state.getStatus('multi-1').streams[0];
        expect(hosts).to.include({ runId: 'r1', runArtifacts: 4, totalArtifacts: 4 });
        expect(test.state.getStatus('multi-1').lastRun?.streams).to.deep.equal(outcome.streams);
        expect(
            events.filter(e => e.type === 'stream').map(e => e.type === 'stream' && `${e.stream}:${e.status}`)
        ).to.deep.equal(['kb:complete', 'scans:failed', 'hosts:complete']);
        expect(test.services.loggers.root.messages('warn')).to.include(
            'Stream scans failed (transient): Qualys answered HTTP 500 to the scan list; the other streams go on'
        );

        // The next poll starts every stream from its own last checkpoint.
        await runner.run(instance);
        expect(connector.polls[1].checkpoints).to.deep.equal({
            hosts: { page: 2 },
            kb: { page: 1 },
            scans: { page: 1 }
        });
    });

    it('when poll throws: the streams without a status fail with that error, the ended ones keep theirs', async () => {
        await setup(async function* () {
            yield batch('kb', 1);
            yield complete('kb');
            yield batch('hosts', 1);
            throw new ConnectorError('auth', 'Qualys refused the credentials', { hint: 'check the password' });
        });

        const outcome = await runner.run(instance);

        expect(outcome.error).to.deep.include({ kind: 'auth', message: 'Qualys refused the credentials' });
        expect(statuses()).to.deep.equal({
            hosts: ['failed', 'auth'],
            kb: ['complete', undefined],
            scans: ['failed', 'auth']
        });
        expect(test.state.getCheckpoints('multi-1')).to.deep.equal({ hosts: { page: 1 }, kb: { page: 1 } });
        expect(test.state.getStatus('multi-1').failedReason).to.deep.include({ kind: 'auth' });
    });

    it('lets the most consequential failure decide what the scheduler does, and names every failed stream', async () => {
        await setup(async function* () {
            yield failed('kb', new ConnectorError('rate_limited', 'blocked for 2 minutes', { retryAfterMs: 120_000 }));
            yield failed(
                'scans',
                new ConnectorError('rate_limited', 'blocked for 5 minutes', { retryAfterMs: 300_000 })
            );
            yield batch('hosts', 1);
            yield complete('hosts');
        });
        const throttled = await runner.run(instance);
        expect(throttled.error).to.deep.equal({
            kind: 'rate_limited',
            message:
                "streams failed: 'kb' (rate_limited): blocked for 2 minutes; 'scans' (rate_limited): blocked for 5 minutes; hosts completed",
            retryAfterMs: 300_000
        });
        expect(planNextRun(throttled, 3_600_000, 1, throttled.finishedAt)).to.deep.equal({
            at: throttled.finishedAt + 300_000,
            reason: 'retry-after'
        });

        await setup(async function* () {
            yield failed('kb', new ConnectorError('transient', 'timeout'));
            yield failed('scans', new ConnectorError('permission', 'the account may not list scans'));
            yield complete('hosts');
        });
        const parked = await runner.run(instance);
        expect(parked.error?.kind).to.equal('permission');
        expect(planNextRun(parked, 3_600_000, 1, parked.finishedAt).reason).to.equal('failed');
        expect(test.state.getStatus('multi-1').failedReason).to.deep.include({ kind: 'permission' });
    });

    it('fails the poll, without committing, on an item of an undeclared stream, a batch after its status, or no stream', async () => {
        const cases: [PollScript, string][] = [
            [
                async function* () {
                    yield batch('users', 1);
                },
                "the plugin yielded a batch of stream 'users', which its manifest does not declare (declared: hosts, kb, scans)"
            ],
            [
                async function* () {
                    yield complete('hosts');
                    yield batch('hosts', 1);
                },
                "the plugin yielded a batch of stream 'hosts' after its status (complete)"
            ],
            [
                async function* () {
                    yield { stream: '', artifacts: [], checkpoint: 1 };
                },
                'the plugin yielded a batch that names no stream: it was built for a connector contract without streams; upgrade the plugin'
            ]
        ];
        for (const [script, message] of cases) {
            await setup(script);
            const outcome = await runner.run(instance);
            expect(outcome.error, message).to.deep.include({ kind: 'protocol', message });
            expect(test.state.commits).to.deep.equal([]);
            expect(test.sink.attempts).to.equal(0);
        }
    });

    it('records no status for the streams a cancelled poll did not finish', async () => {
        const controller = new AbortController();
        await setup(async function* () {
            yield batch('kb', 1);
            yield complete('kb');
            controller.abort();
            yield batch('hosts', 1);
        });

        const outcome = await runner.run(instance, { signal: controller.signal });

        expect(outcome.result).to.equal('cancelled');
        expect(statuses()).to.deep.equal({ kb: ['complete', undefined] });
    });

    it('fails the streams without a status when the sink fails', async () => {
        await setup(async function* () {
            yield batch('kb', 1);
            yield complete('kb');
            yield batch('hosts', 1);
        });
        test.sink.failWith(new Error('disk full'), (_, artifacts) => artifacts[0].id.startsWith('hosts'));

        const outcome = await runner.run(instance);

        expect(outcome.error?.kind).to.equal('sink');
        expect(statuses()).to.deep.equal({
            hosts: ['failed', 'sink'],
            kb: ['complete', undefined],
            scans: ['failed', 'sink']
        });
        expect(test.state.getCheckpoints('multi-1')).to.deep.equal({ kb: { page: 1 } });
    });

    it('hands a checkpoint from before streams to a connector with several streams until each has its own', async () => {
        const legacy = { version: 1, cursor: 'x' };
        await setup(async function* (_checkpoint, _ctx, call) {
            yield batch('hosts', call + 1);
            yield complete('hosts');
            if (call === 1) {
                yield batch('kb', 1);
                yield batch('scans', 1);
            }
        });
        test.state.commitCheckpoint('multi-1', 'old', LEGACY_CHECKPOINT_KEY, legacy, 0);

        await runner.run(instance);
        expect(connector.polls[0].checkpoints).to.deep.equal({ [LEGACY_CHECKPOINT_KEY]: legacy });
        expect(test.state.getCheckpoints('multi-1')).to.have.keys([LEGACY_CHECKPOINT_KEY, 'hosts']);

        await runner.run(instance);
        expect(connector.polls[1].checkpoints).to.deep.equal({ [LEGACY_CHECKPOINT_KEY]: legacy, hosts: { page: 1 } });
        // Every stream has a checkpoint of its own now: the old one is forgotten, and never shown as a stream.
        expect(test.state.getCheckpoints('multi-1')).to.deep.equal({
            hosts: { page: 2 },
            kb: { page: 1 },
            scans: { page: 1 }
        });
        expect(test.state.getStatus('multi-1').streams.map(s => s.stream)).to.deep.equal(['hosts', 'kb', 'scans']);
    });

    it("hands a single-stream connector's checkpoint from before streams over as that stream's own", async () => {
        await setup(async function* (checkpoint) {
            const page = (checkpoint as { page: number } | undefined)?.page ?? 0;
            yield { artifacts: makeArtifacts(1, SOURCE), checkpoint: { page: page + 1 } };
        }, null);
        test.state.commitCheckpoint('multi-1', 'old', LEGACY_CHECKPOINT_KEY, { page: 7 }, 0);

        const outcome = await runner.run(instance);

        expect(outcome.result).to.equal('success');
        expect(connector.polls[0].checkpoints).to.deep.equal({ default: { page: 7 } });
        expect(test.state.getCheckpoints('multi-1')).to.deep.equal({ default: { page: 8 } });
    });
});
