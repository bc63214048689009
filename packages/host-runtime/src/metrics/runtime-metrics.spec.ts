import { expect } from 'chai';
import { register as globalRegistry } from 'prom-client';
import { ConnectorError } from '@signal-connectors/connector-sdk';
import { CapturedLogger, FakeClock } from '@signal-connectors/connector-sdk/testing';
import { PollRunner } from '../scheduler/poll-runner.js';
import { ScriptedConnector, makeArtifacts } from '../test/scripted-connector.js';
import { createTestHost, testConfig, virtualPlugin } from '../test/test-host.js';
import { InMemoryStateStore } from '../test/in-memory-state-store.js';
import { RuntimeMetrics } from './runtime-metrics.js';

/** The value of one sample line of the Prometheus text, e.g. `signal_polls_total{...} 3`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
    for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
        const value = line.slice(line.lastIndexOf(' ') + 1);
        return value === '+Inf' ? Number.POSITIVE_INFINITY : Number(value);
    }
    return undefined;
}

describe('RuntimeMetrics', () => {
    it('counts polls, artifacts, errors and durations from poll events', async () => {
        let call = 0;
        const connector = new ScriptedConnector({
            poll: async function* (_checkpoint, ctx) {
                if (call++ === 1) throw new ConnectorError('auth', 'bad credentials');
                await ctx.clock.sleep(0);
                yield { artifacts: makeArtifacts(3, { connector: 'acme.alpha', instance: 'a' }), checkpoint: 1 };
                yield { artifacts: makeArtifacts(2, { connector: 'acme.alpha', instance: 'a' }), checkpoint: 2 };
            }
        });
        const test = await createTestHost(
            [virtualPlugin('acme.alpha', connector)],
            testConfig([{ id: 'a', connector: 'acme.alpha' }])
        );
        const runner = new PollRunner({ state: test.state, sink: test.sink, clock: test.clock });
        runner.addListener(test.metrics.onPollEvent);

        await runner.run(test.host.instances[0]);
        await runner.run(test.host.instances[0]);
        const text = await test.metrics.text();

        const labels = { connector: 'acme.alpha', instance: 'a' };
        expect(sample(text, 'signal_polls_total', { ...labels, result: 'success' })).to.equal(1);
        expect(sample(text, 'signal_polls_total', { ...labels, result: 'failed' })).to.equal(1);
        expect(sample(text, 'signal_artifacts_total', labels)).to.equal(5);
        expect(sample(text, 'signal_errors_total', { ...labels, kind: 'auth' })).to.equal(1);
        expect(sample(text, 'signal_poll_duration_seconds_count', { ...labels, result: 'success' })).to.equal(1);
        // The stream of a poll that delivered completed; the one of the poll that threw failed with it.
        const stream = { ...labels, stream: 'default' };
        expect(sample(text, 'signal_stream_results_total', { ...stream, result: 'complete' })).to.equal(1);
        expect(sample(text, 'signal_stream_results_total', { ...stream, result: 'failed' })).to.equal(1);
    });

    it('computes the seconds since each instance last succeeded at scrape time', async () => {
        const clock = new FakeClock({ now: '2024-05-01T12:00:00Z' });
        const state = new InMemoryStateStore();
        const metrics = new RuntimeMetrics({ clock, processMetrics: false });
        metrics.trackInstances(state, () => [
            { id: 'fresh', connector: 'acme.alpha' },
            { id: 'never', connector: 'acme.alpha' }
        ]);
        state.startRun('fresh', 'r1', '2024-05-01T11:58:30.000Z');
        state.finishRun('fresh', 'r1', '2024-05-01T11:58:30.000Z', 'success');

        let text = await metrics.text();
        expect(sample(text, 'signal_seconds_since_last_successful_poll', { instance: 'fresh' })).to.equal(90);
        expect(sample(text, 'signal_seconds_since_last_successful_poll', { instance: 'never' })).to.equal(
            Number.POSITIVE_INFINITY
        );
        expect(sample(text, 'signal_polls_total', { instance: 'never', result: 'failed' })).to.equal(0);

        await clock.advance(10_000);
        text = await metrics.text();
        expect(sample(text, 'signal_seconds_since_last_successful_poll', { instance: 'fresh' })).to.equal(100);
    });

    it('exposes connector metrics as signal_connector_* with connector and instance labels', async () => {
        const logger = new CapturedLogger();
        const metrics = new RuntimeMetrics({
            processMetrics: false,
            logger,
            redact: text => text.replace('s3cr3t-value', '[REDACTED]')
        });
        const alpha = metrics.forInstance('acme.alpha', 'a');

        alpha.increment('api_calls_total', { endpoint: 'host_detection' });
        alpha.increment('api_calls_total', { endpoint: 'host_detection' }, 2);
        alpha.increment('rate_limit_waits_total');
        alpha.observe('page_seconds', 2.5, { endpoint: 'kb' });
        alpha.increment('api_calls_total', { endpoint: 'kb', extra: 'dropped' });
        alpha.increment('api_calls_total', { endpoint: 'token=s3cr3t-value' });
        alpha.increment('Bad Name');
        alpha.observe('api_calls_total', 1);
        metrics.forInstance('acme.beta', 'b').increment('api_calls_total', { endpoint: 'list' });
        const text = await metrics.text();

        expect(
            sample(text, 'signal_connector_api_calls_total', {
                connector: 'acme.alpha',
                instance: 'a',
                endpoint: 'host_detection'
            })
        ).to.equal(3);
        expect(sample(text, 'signal_connector_api_calls_total', { connector: 'acme.alpha', endpoint: 'kb' })).to.equal(
            1
        );
        expect(
            sample(text, 'signal_connector_api_calls_total', {
                connector: 'acme.beta',
                instance: 'b',
                endpoint: 'list'
            })
        ).to.equal(1);
        expect(
            sample(text, 'signal_connector_rate_limit_waits_total', { connector: 'acme.alpha', instance: 'a' })
        ).to.equal(1);
        expect(sample(text, 'signal_connector_page_seconds_sum', { endpoint: 'kb' })).to.equal(2.5);
        expect(text).to.not.contain('s3cr3t-value');
        expect(text).to.contain('endpoint="token=[REDACTED]"');
        expect(logger.messages('warn')).to.have.length(3);
        expect(logger.messages('warn').join('\n'))
            .to.contain("invalid metric name 'Bad Name'")
            .and.to.contain('extra')
            .and.to.contain('is a counter');
    });

    it('names every metric signal_* and keeps them out of the global registry', async () => {
        const metrics = new RuntimeMetrics();
        metrics.forPlugin('acme.alpha').increment('cache_hits_total');

        const names = (await metrics.text())
            .split('\n')
            .filter(line => line.startsWith('# TYPE '))
            .map(line => line.split(' ')[2]);

        expect(names).to.include.members([
            'signal_polls_total',
            'signal_process_cpu_seconds_total',
            'signal_connector_cache_hits_total'
        ]);
        expect(names.filter(name => !name.startsWith('signal_'))).to.deep.equal([]);
        expect(globalRegistry.getSingleMetric('signal_polls_total')).to.equal(undefined);
        expect(metrics.contentType).to.contain('text/plain');
    });
});
