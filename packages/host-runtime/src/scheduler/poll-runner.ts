import { randomUUID } from 'node:crypto';
import {
    ConnectorError,
    DEFAULT_STREAM_ID,
    formatDuration,
    isStreamStatus,
    type Clock,
    type Logger,
    type PollBatch,
    type PollContext
} from '@signal-connectors/connector-sdk';
import type { ArtifactSink } from '../sink/artifact-sink.js';
import type { RunResult, StateStore } from '../state/state-store.js';
import {
    DEFAULT_POLL_TIMEOUT_MS,
    type PollError,
    type PollEvent,
    type PollListener,
    type PollOutcome,
    type PollTarget
} from './poll-events.js';

/** What a {@link PollRunner} works with. */
export interface PollRunnerOptions {
    state: StateStore;
    sink: ArtifactSink;
    clock: Clock;
    /** Scrubs secrets from error messages before they are recorded or shown; default: identity. */
    redact?: (text: string) => string;
    /** Makes run ids; default random UUIDs. */
    newRunId?: () => string;
}

/** Options of one {@link PollRunner.run}. */
export interface PollRunOptions {
    /** Aborting stops the poll at the next batch boundary (shutdown, cancellation). */
    signal?: AbortSignal;
    runId?: string;
    /** Receives this run's events, in addition to the runner's listeners. */
    onEvent?: PollListener;
}

/** One run in progress: what it is, and what it has committed so far. */
interface Run {
    target: PollTarget;
    ids: { runId: string; instanceId: string; connectorId: string };
    startedAt: number;
    logger: Logger;
    emit: (event: PollEvent) => void;
    artifacts: number;
    batches: number;
}

/**
 * Runs one poll of one instance: each batch the connector yields is written to the sink and, only once the sink
 * acknowledged it, its checkpoint is committed. A sink failure fails the poll and leaves the checkpoint where it
 * was, so the next poll replays the batch (at-least-once). Aborting (shutdown) or the poll timeout stops the poll
 * between batches: a batch is either delivered and committed, or not committed at all. Never throws.
 */
export class PollRunner {
    private readonly listeners = new Set<PollListener>();
    private readonly redact: (text: string) => string;
    private readonly newRunId: () => string;

    constructor(private readonly options: PollRunnerOptions) {
        this.redact = options.redact ?? (text => text);
        this.newRunId = options.newRunId ?? randomUUID;
    }

    /** Adds a listener of every run's events (progress display, metrics); returns its removal. */
    addListener(listener: PollListener): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    /** Polls `target` once; resolves with how it ended. */
    async run(target: PollTarget, options: PollRunOptions = {}): Promise<PollOutcome> {
        const { state, clock } = this.options;
        const runId = options.runId ?? this.newRunId();
        const listeners = [...this.listeners, ...(options.onEvent === undefined ? [] : [options.onEvent])];
        const run: Run = {
            target,
            ids: { runId, instanceId: target.id, connectorId: target.connectorId },
            startedAt: clock.now(),
            logger: target.context.logger.child({ run: runId }),
            emit: event => emitTo(listeners, event),
            artifacts: 0,
            batches: 0
        };

        let checkpoint: unknown;
        try {
            state.startRun(target.id, runId, new Date(run.startedAt).toISOString());
            checkpoint = state.getCheckpoint(target.id);
        } catch (cause) {
            return this.finish(run, 'failed', {
                kind: 'state',
                message: `cannot start the run: ${this.message(cause)}`
            });
        }
        run.emit({ type: 'started', ...run.ids, startedAt: run.startedAt });
        run.logger.info('Poll started', { runId });

        // The poll stops on shutdown, on the caller's signal, or when its timeout fires.
        const timeoutMs = target.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS;
        const timeout = new AbortController();
        const timerDone = new AbortController();
        clock.sleep(timeoutMs, timerDone.signal).then(
            () => timeout.abort(),
            () => undefined
        );
        const extra = options.signal === undefined ? [] : [options.signal];
        const signal = AbortSignal.any([timeout.signal, target.context.signal, ...extra]);
        let error: PollError | undefined;
        try {
            error = await this.deliver(run, checkpoint, signal);
        } finally {
            timerDone.abort();
        }

        if (error !== undefined) return this.finish(run, 'failed', error);
        if (timeout.signal.aborted) {
            const message =
                `poll exceeded its timeout of ${formatDuration(timeoutMs)}; it stopped at a batch boundary and the ` +
                'next poll resumes from there';
            const hint = 'raise the instance pollTimeout if full syncs legitimately take longer';
            return this.finish(run, 'failed', { kind: 'transient', message, hint }, true);
        }
        return this.finish(run, signal.aborted ? 'cancelled' : 'success');
    }

    /** Writes and commits batch after batch until the poll ends, fails or is stopped; returns the failure. */
    private async deliver(run: Run, checkpoint: unknown, signal: AbortSignal): Promise<PollError | undefined> {
        const { target, ids } = run;
        const context: PollContext = { ...target.context, signal, runId: ids.runId, startedAt: run.startedAt };
        let failure: PollError | undefined;
        // Until the state store keeps a checkpoint per stream, the instance's one checkpoint is its default stream's.
        const checkpoints = checkpoint === undefined ? {} : { [DEFAULT_STREAM_ID]: checkpoint };
        try {
            for await (const batch of target.connector.poll(target.settings, checkpoints, context)) {
                // A batch that arrives after the stop request is not written: the next poll replays it.
                if (signal.aborted) break;
                if (isStreamStatus(batch)) {
                    if (batch.status === 'failed') {
                        failure = this.classify(batch.error);
                        break;
                    }
                    continue;
                }
                failure = await this.commit(run, batch.artifacts, batch.checkpoint);
                if (failure !== undefined) break;
                const progress = batch.progress === undefined ? {} : { progress: batch.progress };
                const counts = { batch: run.batches, artifacts: batch.artifacts.length, totalArtifacts: run.artifacts };
                run.emit({ type: 'batch', ...ids, ...counts, ...progress });
                if (signal.aborted) break;
            }
        } catch (cause) {
            // A failure already recorded wins over whatever closing the connector's iterator threw; an error caused
            // by the stop itself (an aborted request) is the stop, not a failure.
            if (failure === undefined && !signal.aborted) failure = this.classify(cause);
        }
        return failure;
    }

    /** Writes one batch and, once the sink acknowledged it, commits its checkpoint; returns the failure, if any. */
    private async commit(
        run: Run,
        artifacts: PollBatch['artifacts'],
        checkpoint: unknown
    ): Promise<PollError | undefined> {
        const { state, sink } = this.options;
        const number = run.batches + 1;
        try {
            await sink.write(run.ids.instanceId, artifacts);
        } catch (cause) {
            const message = `the sink did not acknowledge batch ${number}; the checkpoint was not moved`;
            return { kind: 'sink', message: `${message}: ${this.message(cause)}` };
        }
        try {
            state.commitCheckpoint(run.ids.instanceId, run.ids.runId, checkpoint, artifacts.length);
        } catch (cause) {
            const message = `batch ${number} was delivered but its checkpoint could not be committed`;
            return { kind: 'state', message: `${message}: ${this.message(cause)}` };
        }
        run.batches = number;
        run.artifacts += artifacts.length;
        return undefined;
    }

    private finish(run: Run, result: RunResult, error?: PollError, timedOut = false): PollOutcome {
        const { ids, artifacts, batches, logger } = run;
        const finishedAt = this.options.clock.now();
        const outcome: PollOutcome = {
            ...ids,
            result,
            artifacts,
            batches,
            startedAt: run.startedAt,
            finishedAt,
            durationMs: finishedAt - run.startedAt,
            ...(error === undefined ? {} : { error }),
            ...(timedOut ? { timedOut } : {})
        };
        // The state records kind, message and hint; `retryAfterMs` only matters to the scheduler.
        const recorded = error === undefined ? undefined : { kind: error.kind, message: error.message };
        if (recorded !== undefined && error?.hint !== undefined) Object.assign(recorded, { hint: error.hint });
        try {
            this.options.state.finishRun(
                ids.instanceId,
                ids.runId,
                new Date(finishedAt).toISOString(),
                result,
                recorded
            );
        } catch (cause) {
            logger.error(`Could not record the end of run ${ids.runId}: ${this.message(cause)}`);
        }
        const summary = `${artifacts} artifacts in ${batches} batches, ${formatDuration(outcome.durationMs)}`;
        const meta = { runId: ids.runId, artifacts, batches };
        if (result === 'success') logger.info(`Poll succeeded: ${summary}`, meta);
        else if (result === 'cancelled') logger.info(`Poll stopped before the end: ${summary} committed`, meta);
        else
            logger.error(
                `Poll failed (${error?.kind}): ${error?.message}${error?.hint ? `. ${error.hint}` : ''}`,
                meta
            );
        run.emit({ type: 'finished', ...ids, outcome });
        return outcome;
    }

    /** A connector's error as recorded: its kind, a redacted message and hint; anything else counts as transient. */
    private classify(cause: unknown): PollError {
        if (ConnectorError.is(cause)) {
            return {
                kind: cause.kind,
                message: this.redact(cause.message),
                ...(cause.hint === undefined ? {} : { hint: this.redact(cause.hint) }),
                ...(cause.retryAfterMs === undefined ? {} : { retryAfterMs: cause.retryAfterMs })
            };
        }
        return {
            kind: 'transient',
            message: `unexpected error in plugin: ${this.message(cause)}`,
            hint: 'report this to the plugin maintainers, with the log'
        };
    }

    private message(cause: unknown): string {
        return this.redact(cause instanceof Error ? cause.message : String(cause));
    }
}

/** Hands an event to every listener; a throwing listener (a broken progress display) must not break the poll. */
function emitTo(listeners: readonly PollListener[], event: PollEvent): void {
    for (const listener of listeners) {
        try {
            listener(event);
        } catch {
            // ignored on purpose, see above
        }
    }
}
