import type { Connector, ConnectorContext, PollProgress } from '@signal-connectors/connector-sdk';
import type { RecordedError, RunResult, RunStreamOutcome, StreamResult } from '../state/state-store.js';

/** The default poll timeout: a full Qualys sync of a large subscription can take hours, never days. */
export const DEFAULT_POLL_TIMEOUT_MS = 6 * 3_600_000;

/** What the poll runner needs of a composed instance (a `HostInstance` is one). */
export interface PollTarget {
    readonly id: string;
    readonly connectorId: string;
    readonly connector: Connector;
    /** The config `validateConfig` returned. */
    readonly settings: unknown;
    /** The instance's context; each poll gets a copy with its own signal, run id and start time. */
    readonly context: ConnectorContext;
    /** A poll running longer is stopped at the next batch boundary (default {@link DEFAULT_POLL_TIMEOUT_MS}). */
    readonly pollTimeoutMs?: number;
    /** The ids of the connector's declared streams (default: the single stream `default`). */
    readonly streams?: readonly string[];
}

/** The error a poll ended with, secret-free; `retryAfterMs` is kept for the scheduler. */
export interface PollError extends RecordedError {
    retryAfterMs?: number;
}

/** How one poll ended. */
export interface PollOutcome {
    runId: string;
    instanceId: string;
    connectorId: string;
    result: RunResult;
    /** Artifacts delivered and committed. */
    artifacts: number;
    /** Batches delivered and committed. */
    batches: number;
    /**
     * Why the poll failed: its own error (sink, state, the connector threw, timeout), or else one naming each
     * failed stream.
     */
    error?: PollError;
    /** What each stream did, by stream id (streams that neither delivered nor reported are absent). */
    streams: Record<string, RunStreamOutcome>;
    /** Set when the poll was stopped by its timeout (the result is then `failed`). */
    timedOut?: boolean;
    startedAt: number;
    finishedAt: number;
    durationMs: number;
}

/** The outcome of a poll that was cancelled before it started (stopped while waiting for a slot). */
export function cancelledBeforeStart(target: PollTarget, runId: string, now: number): PollOutcome {
    const ids = { runId, instanceId: target.id, connectorId: target.connectorId };
    return {
        ...ids,
        result: 'cancelled',
        artifacts: 0,
        batches: 0,
        streams: {},
        startedAt: now,
        finishedAt: now,
        durationMs: 0
    };
}

/** Something that happened during a poll, for progress displays and metrics. */
export type PollEvent =
    | { type: 'started'; runId: string; instanceId: string; connectorId: string; startedAt: number }
    | {
          type: 'batch';
          runId: string;
          instanceId: string;
          connectorId: string;
          /** The stream the batch belongs to. */
          stream: string;
          /** 1-based number of the batch just committed (counted across streams). */
          batch: number;
          /** Artifacts in this batch. */
          artifacts: number;
          /** Artifacts committed so far in this poll. */
          totalArtifacts: number;
          /** The connector's own counters for this batch, e.g. `{ hosts: 1000, pages: 1 }`. */
          progress?: PollProgress;
      }
    | {
          type: 'stream';
          runId: string;
          instanceId: string;
          connectorId: string;
          stream: string;
          /** How the stream ended, as recorded. */
          status: StreamResult;
          error?: PollError;
      }
    | { type: 'finished'; runId: string; instanceId: string; connectorId: string; outcome: PollOutcome };

/** Receives {@link PollEvent}s; must not throw (a throwing listener is ignored). */
export type PollListener = (event: PollEvent) => void;
