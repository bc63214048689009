import { randomUUID } from 'node:crypto';
import { SystemClock } from '../clock.js';
import type { PollContext } from '../connector-context.js';
import { GotHttpClientFactory } from '../http/got-http-client-factory.js';
import { CapturedLogger } from './captured-logger.js';
import { InMemoryKeyValueStore } from '../in-memory-key-value-store.js';
import { RecordingMetrics } from './recording-metrics.js';

/** What {@link createTestContext} accepts: any part of a poll context; the rest is filled in. */
export type TestContextOptions = Partial<PollContext>;

/**
 * A complete {@link PollContext} for tests (it is also a `ConnectorContext`), with test doubles for whatever
 * `options` leaves out:
 * - `connectorId` `test.connector`, `instanceId` `test`;
 * - `logger`: a {@link CapturedLogger} labelled with both (pass your own to read it afterwards);
 * - `clock`: the real `SystemClock` (pass a `FakeClock` to control time);
 * - `signal`: a fresh signal that never aborts (pass your own controller's to test cancellation);
 * - `http`: the real `GotHttpClientFactory` using that clock, so tests talk to a local server the way the host
 *   would (with a `FakeClock`, retry backoff waits for the fake time too);
 * - `store` and `pluginStore`: separate, empty {@link InMemoryKeyValueStore}s;
 * - `metrics`: a {@link RecordingMetrics};
 * - `runId`: a random UUID; `startedAt`: the clock's now.
 */
export function createTestContext(options: TestContextOptions = {}): PollContext {
    const connectorId = options.connectorId ?? 'test.connector';
    const instanceId = options.instanceId ?? 'test';
    const clock = options.clock ?? new SystemClock();
    return {
        ...options,
        connectorId,
        instanceId,
        logger: options.logger ?? new CapturedLogger({ connector: connectorId, instance: instanceId }),
        clock,
        signal: options.signal ?? new AbortController().signal,
        http: options.http ?? new GotHttpClientFactory({ clock }),
        store: options.store ?? new InMemoryKeyValueStore(),
        pluginStore: options.pluginStore ?? new InMemoryKeyValueStore(),
        metrics: options.metrics ?? new RecordingMetrics(),
        runId: options.runId ?? randomUUID(),
        startedAt: options.startedAt ?? clock.now()
    };
}
