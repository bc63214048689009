import { Counter, Histogram, type Registry } from 'prom-client';
import type { ConnectorMetrics, Logger, MetricLabels } from '@signal-connectors/connector-sdk';

/** Prefix of every metric a connector reports: `api_calls_total` is exposed as `signal_connector_api_calls_total`. */
export const CONNECTOR_METRIC_PREFIX = 'signal_connector_';

const NAME = /^[a-z_][a-z0-9_]*$/;
/** Label values are capped: a label is for grouping, and a long one is most likely a URL or a message. */
const MAX_LABEL_VALUE_LENGTH = 120;
const HOST_LABELS = ['connector', 'instance'] as const;

type Family =
    | { kind: 'counter'; metric: Counter<string>; labelNames: string[] }
    | { kind: 'histogram'; metric: Histogram<string>; labelNames: string[] };

/**
 * The connector-reported metrics of one registry: prom-client counters and histograms created on first use,
 * shared by every instance (the `connector` and `instance` labels tell them apart). A family's label names are
 * fixed when it is created; labels a later call adds are dropped (with one warning), missing ones are empty.
 */
export class ConnectorMetricFamilies {
    private readonly families = new Map<string, Family>();
    private readonly warned = new Set<string>();

    constructor(
        private readonly registry: Registry,
        private readonly logger?: Logger,
        private readonly redact: (text: string) => string = text => text
    ) {}

    /** The {@link ConnectorMetrics} of one instance (or of a plugin, with `instanceId` empty). */
    scoped(connectorId: string, instanceId: string): ConnectorMetrics {
        return {
            increment: (name, labels, value) =>
                this.record('counter', name, value ?? 1, labels, connectorId, instanceId),
            observe: (name, value, labels) => this.record('histogram', name, value, labels, connectorId, instanceId)
        };
    }

    private record(
        kind: Family['kind'],
        name: string,
        value: number,
        labels: MetricLabels | undefined,
        connector: string,
        instance: string
    ): void {
        // A plugin's metrics call must never break its poll: every problem is a warning, once per metric.
        try {
            if (typeof name !== 'string' || !NAME.test(name))
                return this.warnOnce(`name:${String(name)}`, `invalid metric name '${String(name)}' (use snake_case)`);
            if (!Number.isFinite(value) || (kind === 'counter' && value < 0))
                return this.warnOnce(`value:${name}`, `invalid value ${value} for metric '${name}'`);
            const own = Object.keys(labels ?? {})
                .filter(key => NAME.test(key) && !(HOST_LABELS as readonly string[]).includes(key))
                .sort();
            const family = this.family(kind, name, own);
            if (family === undefined) return;
            const values: Record<string, string> = { connector, instance };
            for (const key of family.labelNames.slice(HOST_LABELS.length)) values[key] = this.labelValue(labels?.[key]);
            const dropped = own.filter(key => !family.labelNames.includes(key));
            if (dropped.length > 0)
                this.warnOnce(
                    `labels:${name}:${dropped.join(',')}`,
                    `metric '${name}' was created without label(s) ${dropped.join(', ')}; they are dropped`
                );
            if (family.kind === 'counter') family.metric.inc(values, value);
            else family.metric.observe(values, value);
        } catch (error) {
            this.warnOnce(`error:${name}`, `metric '${name}' could not be recorded: ${(error as Error).message}`);
        }
    }

    private family(kind: Family['kind'], name: string, labelKeys: string[]): Family | undefined {
        const existing = this.families.get(name);
        if (existing !== undefined) {
            if (existing.kind === kind) return existing;
            this.warnOnce(`kind:${name}`, `metric '${name}' is a ${existing.kind}; it cannot also be a ${kind}`);
            return undefined;
        }
        const labelNames = [...HOST_LABELS, ...labelKeys];
        const fullName = `${CONNECTOR_METRIC_PREFIX}${name}`;
        const help = `Reported by connectors: ${name}`;
        const family: Family =
            kind === 'counter'
                ? {
                      kind,
                      labelNames,
                      metric: new Counter({ name: fullName, help, labelNames, registers: [this.registry] })
                  }
                : {
                      kind,
                      labelNames,
                      metric: new Histogram({ name: fullName, help, labelNames, registers: [this.registry] })
                  };
        this.families.set(name, family);
        return family;
    }

    private labelValue(value: unknown): string {
        if (value === undefined || value === null) return '';
        const text = this.redact(String(value));
        return text.length > MAX_LABEL_VALUE_LENGTH ? `${text.slice(0, MAX_LABEL_VALUE_LENGTH)}…` : text;
    }

    private warnOnce(key: string, message: string): void {
        if (this.warned.has(key)) return;
        this.warned.add(key);
        this.logger?.warn(`Connector metric ignored: ${message}`);
    }
}
