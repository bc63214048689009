/** DI token for {@link ConnectorMetrics}. */
export const ConnectorMetrics = Symbol.for('@signal-connectors/connector-sdk:ConnectorMetrics');

/** Labels of one metric sample; the host adds `connector` and `instance` itself. */
export type MetricLabels = Readonly<Record<string, string>>;

/**
 * Counters and observations a connector reports; the host exposes them (Prometheus text on the admin
 * API). Names are snake_case without a prefix, e.g. `api_calls_total` with `{ endpoint }`.
 */
export interface ConnectorMetrics {
    increment(name: string, labels?: MetricLabels, value?: number): void;
    observe(name: string, value: number, labels?: MetricLabels): void;
}

/** Metrics that go nowhere, for tests and tools. */
export const noopMetrics: ConnectorMetrics = {
    increment: () => undefined,
    observe: () => undefined
};
