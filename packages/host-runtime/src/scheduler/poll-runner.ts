import { randomUUID } from 'node:crypto';
import {
    ConnectorError,
    DEFAULT_STREAM_ID,
    formatDuration,
    isStreamStatus,
    LEGACY_CHECKPOINT_KEY,
    type Clock,
    type Logger,
    type PollBatch,
    type PollContext
} from '@signal-connectors/connector-sdk';
import type { ArtifactSink } from '../sink/artifact-sink.js';
import type { RecordedError, RunResult, StateStore } from '../state/state-store.js';
import {
    DEFAULT_POLL_TIMEOUT_MS,
    type PollError,
    type PollEvent,
    type PollListener,
    type PollOutcome,
    type PollTarget
} from './poll-events.js';
import { PollStreams, streamsFailure } from './poll-streams.js';

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
    /** Set once the run started: its streams' checkpoints and outcomes. */
    streams?: PollStreams;
}

/**
 * Runs one poll of one instance: each batch the connector yields is written to the sink and, only once the sink
 * acknowledged it, its checkpoint is committed for its stream. Each stream's status is recorded as it arrives; a
 * stream that fails leaves the other streams' checkpoints moving, and the poll then ends `failed` with an error
 * naming the failed streams. A sink failure fails the poll and leaves the checkpoint where it was, so the next
 * poll replays the batch (at-least-once); the streams that had not ended are then marked failed with that error,
 * as when the connector throws or the poll times out. Aborting (shutdown) or the poll timeout stops the poll
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

        try {
            state.startRun(target.id, runId, new Date(run.startedAt).toISOString());
            run.streams = new PollStreams(target.streams ?? [DEFAULT_STREAM_ID], state.getCheckpoints(target.id));
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
            error = await this.deliver(run, run.streams, signal);
        } finally {
            timerDone.abort();
        }

        const timedOut = error === undefined && timeout.signal.aborted;
        if (timedOut) {
            const message =
                `poll exceeded its timeout of ${formatDuration(timeoutMs)}; it stopped at a batch boundary and the ` +
                'next poll resumes from there';
            const hint = 'raise the instance pollTimeout if full syncs legitimately take longer';
            error = { kind: 'transient', message, hint };
        }
        if (error === undefined && signal.aborted) return this.finish(run, 'cancelled');
        error = this.endStreams(run, run.streams, error);
        this.forgetLegacyCheckpoint(run, run.streams);
        return error === undefined ? this.finish(run, 'success') : this.finish(run, 'failed', error, timedOut);
    }

    /** Writes and commits batch after batch until the poll ends, fails or is stopped; returns the failure. */
    private async deliver(run: Run, streams: PollStreams, signal: AbortSignal): Promise<PollError | undefined> {
        const { target, ids } = run;
        const context: PollContext = { ...target.context, signal, runId: ids.runId, startedAt: run.startedAt };
        let failure: PollError | undefined;
        try {
            for await (const item of target.connector.poll(target.settings, streams.checkpoints, context)) {
                // An item that arrives after the stop request is not taken: the next poll replays it.
                if (signal.aborted) break;
                const problem = streams.problem(item);
                if (problem !== undefined) {
                    failure = { kind: 'protocol', message: problem, hint: 'report this to the plugin maintainers' };
                    break;
                }
                failure = isStreamStatus(item)
                    ? this.recordStatus(
                          run,
                          item.stream,
                          item.status === 'failed' ? this.classify(item.error) : undefined
                      )
                    : await this.commit(run, item);
                if (failure !== undefined || signal.aborted) break;
            }
        } catch (cause) {
            // A failure already recorded wins over whatever closing the connector's iterator threw; an error caused
            // by the stop itself (an aborted request) is the stop, not a failure.
            if (failure === undefined && !signal.aborted) failure = this.classify(cause);
        }
        return failure;
    }

    /** Writes one batch and, once the sink acknowledged it, commits its stream's checkpoint; returns the failure. */
    private async commit(run: Run, batch: PollBatch): Promise<PollError | undefined> {
        const { state, sink } = this.options;
        const { stream, artifacts } = batch;
        const number = run.batches + 1;
        try {
            await sink.write(run.ids.instanceId, artifacts);
        } catch (cause) {
            const message = `the sink did not acknowledge batch ${number} (stream '${stream}'); the checkpoint was not moved`;
            return { kind: 'sink', message: `${message}: ${this.message(cause)}` };
        }
        try {
            state.commitCheckpoint(run.ids.instanceId, run.ids.runId, stream, batch.checkpoint, artifacts.length);
        } catch (cause) {
            const message = `batch ${number} (stream '${stream}') was delivered but its checkpoint could not be committed`;
            return { kind: 'state', message: `${message}: ${this.message(cause)}` };
        }
        run.batches = number;
        run.artifacts += artifacts.length;
        run.streams?.delivered(stream, artifacts.length);
        const progress = batch.progress === undefined ? {} : { progress: batch.progress };
        const counts = { batch: number, artifacts: artifacts.length, totalArtifacts: run.artifacts };
        run.emit({ type: 'batch', ...run.ids, stream, ...counts, ...progress });
        return undefined;
    }

    /** Records a stream's status (`failed` when `error` is given); returns the failure to record it, if any. */
    private recordStatus(run: Run, stream: string, error?: PollError): PollError | undefined {
        const status = error === undefined ? 'complete' : 'failed';
        const at = new Date(this.options.clock.now()).toISOString();
        const recorded = error === undefined ? undefined : recordedError(error);
        try {
            this.options.state.recordStreamStatus(run.ids.instanceId, run.ids.runId, stream, at, status, recorded);
        } catch (cause) {
            return {
                kind: 'state',
                message: `the status of stream '${stream}' could not be recorded: ${this.message(cause)}`
            };
        }
        if (error === undefined) run.streams?.complete(stream);
        else {
            run.streams?.fail(stream, error);
            run.logger.warn(`Stream ${stream} failed (${error.kind}): ${error.message}; the other streams go on`, {
                stream,
                kind: error.kind
            });
        }
        run.emit({ type: 'stream', ...run.ids, stream, status, ...(error === undefined ? {} : { error }) });
        return undefined;
    }

    /**
     * Ends the streams that reported no status: after a poll-level failure (or timeout) they failed with it; after
     * a poll that simply returned, a stream that delivered batches completed. Returns the poll's error: its own,
     * or one naming the failed streams.
     */
    private endStreams(run: Run, streams: PollStreams, error: PollError | undefined): PollError | undefined {
        if (error !== undefined) {
            for (const stream of streams.withoutStatus()) this.recordStatus(run, stream, error);
            return error;
        }
        for (const stream of streams.deliveredWithoutStatus()) {
            const failure = this.recordStatus(run, stream);
            if (failure !== undefined) return failure;
        }
        const failed = streams.failed();
        return failed.length === 0 ? undefined : streamsFailure(failed, streams.completed());
    }

    /** Forgets the checkpoint from before streams existed once every stream has one of its own. */
    private forgetLegacyCheckpoint(run: Run, streams: PollStreams): void {
        if (!streams.legacyDone()) return;
        try {
            this.options.state.resetCheckpoint(run.ids.instanceId, LEGACY_CHECKPOINT_KEY);
            run.logger.info(
                'Every stream has a checkpoint of its own: the checkpoint from before streams is no longer kept'
            );
        } catch (cause) {
            run.logger.warn(`Could not forget the checkpoint from before streams: ${this.message(cause)}`);
        }
    }

    private finish(run: Run, result: RunResult, error?: PollError, timedOut = false): PollOutcome {
        const { ids, artifacts, batches, logger } = run;
        const finishedAt = this.options.clock.now();
        const streams = run.streams?.record() ?? {};
        const outcome: PollOutcome = {
            ...ids,
            result,
            artifacts,
            batches,
            streams,
            startedAt: run.startedAt,
            finishedAt,
            durationMs: finishedAt - run.startedAt,
            ...(error === undefined ? {} : { error }),
            ...(timedOut ? { timedOut } : {})
        };
        // The state records kind, message and hint; `retryAfterMs` only matters to the scheduler.
        const recorded = error === undefined ? undefined : recordedError(error);
        try {
            this.options.state.finishRun(
                ids.instanceId,
                ids.runId,
                new Date(finishedAt).toISOString(),
                result,
                recorded,
                streams
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

/** The part of a poll error the state records: kind, message and hint. */
function recordedError(error: PollError): RecordedError {
    return { kind: error.kind, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) };
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
