import { type ConnectorMetrics, noopMetrics } from '@signal-connectors/connector-sdk';

/** What composing plugins and instances needs of the runtime's metrics: where each one's reports go. */
export interface HostMetrics {
    /** The metrics one instance's connector reports. */
    forInstance(connectorId: string, instanceId: string): ConnectorMetrics;
    /** The metrics a plugin reports outside any instance. */
    forPlugin(connectorId: string): ConnectorMetrics;
    /** Scrubs connector-supplied label values with `redact` from now on. */
    setRedaction(redact: (text: string) => string): void;
}

/**
 * The metrics of a one-off command (`poll`, `test`, `validate`): nobody reads them, so what connectors report is
 * dropped, and the Prometheus client is never loaded. The service uses `RuntimeMetrics`, which it serves.
 */
export const UNREAD_METRICS: HostMetrics = {
    forInstance: () => noopMetrics,
    forPlugin: () => noopMetrics,
    setRedaction: () => undefined
};
