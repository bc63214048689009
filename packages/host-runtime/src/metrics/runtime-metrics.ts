import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SystemClock, type Clock, type ConnectorMetrics, type Logger } from '@signal-connectors/connector-sdk';
import type { StateStore } from '../state/state-store.js';
import type { PollEvent } from '../scheduler/poll-events.js';
import { ConnectorMetricFamilies } from './connector-metrics-adapter.js';
import type { HostMetrics } from './host-metrics.js';

/** Prefix of every metric the runtime exposes. */
export const METRIC_PREFIX = 'signal_';

/** Poll durations range from seconds (nothing new) to hours (a first full sync). */
const POLL_DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14_400, 21_600];

/** Options of {@link RuntimeMetrics}. */
export interface RuntimeMetricsOptions {
    /** Also expose Node process metrics (`signal_process_*`, `signal_nodejs_*`); default true. */
    processMetrics?: boolean;
    /** For `seconds_since_last_successful_poll`; default the system clock. */
    clock?: Clock;
    /** Where invalid connector metrics are reported. */
    logger?: Logger;
    /** Scrubs connector-supplied label values, so a secret never becomes a label. */
    redact?: (text: string) => string;
}

/** An instance whose freshness is exposed. */
export interface TrackedInstance {
    id: string;
    connector: string;
}

/**
 * The runtime's Prometheus metrics, in a registry of their own (never prom-client's global one, so two runtimes
 * in one process, or tests, do not collide): poll counts, durations, artifacts and errors (fed by poll events),
 * the time since each instance's last successful poll (read from the state store at scrape time) and the metrics
 * connectors report through their {@link ConnectorMetrics}.
 */
export class RuntimeMetrics implements HostMetrics {
    readonly registry = new Registry();
    private readonly polls: Counter<'connector' | 'instance' | 'result'>;
    private readonly artifacts: Counter<'connector' | 'instance'>;
    private readonly errors: Counter<'connector' | 'instance' | 'kind'>;
    private readonly streamResults: Counter<'connector' | 'instance' | 'stream' | 'result'>;
    private readonly duration: Histogram<'connector' | 'instance' | 'result'>;
    private readonly connectorFamilies: ConnectorMetricFamilies;
    private readonly clock: Clock;
    private freshness?: { state: StateStore; instances: () => readonly TrackedInstance[] };
    private redact: (text: string) => string;

    constructor(options: RuntimeMetricsOptions = {}) {
        this.clock = options.clock ?? new SystemClock();
        this.redact = options.redact ?? (text => text);
        const registers = [this.registry];
        this.polls = new Counter({
            name: 'signal_polls_total',
            help: 'Polls finished, by result',
            labelNames: ['connector', 'instance', 'result'],
            registers
        });
        this.artifacts = new Counter({
            name: 'signal_artifacts_total',
            help: 'Artifacts delivered and committed',
            labelNames: ['connector', 'instance'],
            registers
        });
        this.errors = new Counter({
            name: 'signal_errors_total',
            help: 'Failed polls, by error kind',
            labelNames: ['connector', 'instance', 'kind'],
            registers
        });
        this.streamResults = new Counter({
            name: 'signal_stream_results_total',
            help: 'How streams ended in polls (complete or failed), by stream',
            labelNames: ['connector', 'instance', 'stream', 'result'],
            registers
        });
        this.duration = new Histogram({
            name: 'signal_poll_duration_seconds',
            help: 'Duration of polls, by result',
            labelNames: ['connector', 'instance', 'result'],
            buckets: POLL_DURATION_BUCKETS,
            registers
        });
        const secondsSinceSuccess = (): [string, number][] => this.secondsSinceSuccess();
        new Gauge({
            name: 'signal_seconds_since_last_successful_poll',
            help: 'Seconds since the last successful poll of each instance (+Inf if it never succeeded)',
            labelNames: ['instance'],
            registers,
            collect() {
                // Computed at scrape time so that a stuck instance shows up even though nothing else changes.
                this.reset();
                for (const [instance, seconds] of secondsSinceSuccess()) this.set({ instance }, seconds);
            }
        });
        this.connectorFamilies = new ConnectorMetricFamilies(this.registry, options.logger, text => this.redact(text));
        if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    }

    /**
     * Scrubs connector-supplied label values with `redact` from now on. The host calls it once its secrets are
     * known, which is after the metrics are created.
     */
    setRedaction(redact: (text: string) => string): void {
        this.redact = redact;
    }

    /** Starts exposing the freshness of these instances, and zero counts for each so that rates work at once. */
    trackInstances(state: StateStore, instances: () => readonly TrackedInstance[]): void {
        this.freshness = { state, instances };
        for (const { id, connector } of instances()) {
            for (const result of ['success', 'failed', 'cancelled'])
                this.polls.inc({ connector, instance: id, result }, 0);
            this.artifacts.inc({ connector, instance: id }, 0);
        }
    }

    /** Counts what a poll event tells; pass it to `PollRunner.addListener`. */
    readonly onPollEvent = (event: PollEvent): void => {
        const labels = { connector: event.connectorId, instance: event.instanceId };
        if (event.type === 'batch') {
            this.artifacts.inc(labels, event.artifacts);
        } else if (event.type === 'stream') {
            this.streamResults.inc({ ...labels, stream: event.stream, result: event.status });
        } else if (event.type === 'finished') {
            const { result, error, durationMs } = event.outcome;
            this.polls.inc({ ...labels, result });
            this.duration.observe({ ...labels, result }, durationMs / 1000);
            if (error !== undefined) this.errors.inc({ ...labels, kind: error.kind });
        }
    };

    /** The metrics one instance's connector reports; the `connector` and `instance` labels are added. */
    forInstance(connectorId: string, instanceId: string): ConnectorMetrics {
        return this.connectorFamilies.scoped(connectorId, instanceId);
    }

    /** The metrics a plugin reports outside any instance (`instance` label empty). */
    forPlugin(connectorId: string): ConnectorMetrics {
        return this.connectorFamilies.scoped(connectorId, '');
    }

    /** Everything in the Prometheus text format. */
    text(): Promise<string> {
        return this.registry.metrics();
    }

    /** The content type of {@link text}. */
    get contentType(): string {
        return this.registry.contentType;
    }

    private secondsSinceSuccess(): [string, number][] {
        if (this.freshness === undefined) return [];
        const now = this.clock.now();
        const result: [string, number][] = [];
        for (const { id } of this.freshness.instances()) {
            try {
                const last = this.freshness.state.getStatus(id).lastSuccessAt;
                result.push([
                    id,
                    last === undefined ? Number.POSITIVE_INFINITY : Math.max(0, (now - Date.parse(last)) / 1000)
                ]);
            } catch {
                // A state read failing at scrape time must not fail the whole scrape.
            }
        }
        return result;
    }
}
