import type { ConnectorMetrics, MetricLabels } from '../connector-metrics.js';

/** One call a {@link RecordingMetrics} recorded. */
export interface RecordedMetric {
    kind: 'increment' | 'observe';
    name: string;
    value: number;
    labels: MetricLabels;
}

/**
 * {@link ConnectorMetrics} that remember every call, for assertions such as
 * `expect(metrics.total('api_calls_total', { endpoint: 'host_detection' })).to.equal(3)`.
 */
export class RecordingMetrics implements ConnectorMetrics {
    /** Every call, oldest first. */
    readonly records: RecordedMetric[] = [];

    increment(name: string, labels: MetricLabels = {}, value = 1): void {
        this.records.push({ kind: 'increment', name, value, labels });
    }

    observe(name: string, value: number, labels: MetricLabels = {}): void {
        this.records.push({ kind: 'observe', name, value, labels });
    }

    /** Sum of the increments of counter `name` whose labels include `labels`. */
    total(name: string, labels: MetricLabels = {}): number {
        return this.matching('increment', name, labels).reduce((sum, record) => sum + record.value, 0);
    }

    /** The values observed for `name` whose labels include `labels`, in order. */
    observations(name: string, labels: MetricLabels = {}): number[] {
        return this.matching('observe', name, labels).map(record => record.value);
    }

    /** Forgets every recorded call. */
    clear(): void {
        this.records.length = 0;
    }

    private matching(kind: RecordedMetric['kind'], name: string, labels: MetricLabels): RecordedMetric[] {
        return this.records.filter(
            record =>
                record.kind === kind &&
                record.name === name &&
                Object.entries(labels).every(([key, value]) => record.labels[key] === value)
        );
    }
}
