import {
    LEGACY_CHECKPOINT_KEY,
    isStreamStatus,
    type PollItem,
    type StreamCheckpoints
} from '@signal-connectors/connector-sdk';
import type { RunStreamOutcome } from '../state/state-store.js';
import type { PollError } from './poll-events.js';
import { isFatalKind } from './retry-policy.js';

/**
 * The streams of one poll: what the connector may yield (its declared streams), the checkpoints it starts from,
 * and what each stream did so far. It never touches the state store; the poll runner records what it says.
 */
export class PollStreams {
    /** The checkpoints `poll` receives. */
    readonly checkpoints: StreamCheckpoints;
    private readonly outcomes = new Map<string, RunStreamOutcome>();
    /** Failed streams' errors as the runner classified them (with `retryAfterMs`, which records leave out). */
    private readonly errors = new Map<string, PollError>();
    private readonly legacy: boolean;
    private readonly committed = new Set<string>();

    constructor(
        /** The ids of the connector's declared streams. */
        readonly declared: readonly string[],
        stored: Readonly<Record<string, unknown>>
    ) {
        this.checkpoints = checkpointsForPoll(declared, stored);
        this.legacy = stored[LEGACY_CHECKPOINT_KEY] !== undefined;
        for (const [stream, checkpoint] of Object.entries(stored)) {
            if (checkpoint !== undefined && stream !== LEGACY_CHECKPOINT_KEY) this.committed.add(stream);
        }
    }

    /** Why the connector may not yield `item` now (undeclared stream, or its stream already ended); else undefined. */
    problem(item: PollItem): string | undefined {
        const kind = isStreamStatus(item) ? 'status' : 'batch';
        const stream = (item as { stream?: unknown }).stream;
        if (typeof stream !== 'string' || stream === '') {
            return `the plugin yielded a ${kind} that names no stream: it was built for a connector contract without streams; upgrade the plugin`;
        }
        if (!this.declared.includes(stream)) {
            return `the plugin yielded a ${kind} of stream '${stream}', which its manifest does not declare (declared: ${this.declared.join(', ')})`;
        }
        const ended = this.outcomes.get(stream)?.status;
        if (ended !== undefined)
            return `the plugin yielded a ${kind} of stream '${stream}' after its status (${ended})`;
        return undefined;
    }

    /** Counts a batch that was delivered and committed. */
    delivered(stream: string, artifacts: number): void {
        const outcome = this.outcome(stream);
        outcome.batches += 1;
        outcome.artifacts += artifacts;
        this.committed.add(stream);
    }

    /** Takes a stream's `complete` status in. */
    complete(stream: string): void {
        this.outcome(stream).status = 'complete';
    }

    /** Takes a stream's `failed` status in, with its error as the runner classified it. */
    fail(stream: string, error: PollError): void {
        const outcome = this.outcome(stream);
        outcome.status = 'failed';
        outcome.error = {
            kind: error.kind,
            message: error.message,
            ...(error.hint === undefined ? {} : { hint: error.hint })
        };
        this.errors.set(stream, error);
    }

    /** Declared streams that reported no status in this poll. */
    withoutStatus(): string[] {
        return this.declared.filter(stream => this.outcomes.get(stream)?.status === undefined);
    }

    /** Streams that delivered batches but reported no status. */
    deliveredWithoutStatus(): string[] {
        return this.withoutStatus().filter(stream => (this.outcomes.get(stream)?.batches ?? 0) > 0);
    }

    /** Streams that failed in this poll, with their errors, in the order they ended. */
    failed(): { stream: string; error: PollError }[] {
        return [...this.errors].map(([stream, error]) => ({ stream, error }));
    }

    /** Streams that completed in this poll. */
    completed(): string[] {
        return [...this.outcomes].flatMap(([stream, outcome]) => (outcome.status === 'complete' ? [stream] : []));
    }

    /** True when a checkpoint from before streams existed can now be forgotten: every stream has its own. */
    legacyDone(): boolean {
        return this.legacy && this.declared.every(stream => this.committed.has(stream));
    }

    /** What each stream did, for the run record. */
    record(): Record<string, RunStreamOutcome> {
        return Object.fromEntries([...this.outcomes].map(([stream, outcome]) => [stream, { ...outcome }]));
    }

    private outcome(stream: string): RunStreamOutcome {
        let outcome = this.outcomes.get(stream);
        if (outcome === undefined) {
            outcome = { artifacts: 0, batches: 0 };
            this.outcomes.set(stream, outcome);
        }
        return outcome;
    }
}

/**
 * The checkpoints a poll starts from: each stream's own, and a checkpoint from before streams existed under
 * `LEGACY_CHECKPOINT_KEY` while some declared stream has none of its own yet. A connector with a single stream
 * gets such a checkpoint as that stream's own.
 */
export function checkpointsForPoll(
    declared: readonly string[],
    stored: Readonly<Record<string, unknown>>
): StreamCheckpoints {
    const { [LEGACY_CHECKPOINT_KEY]: legacy, ...own } = stored;
    if (legacy === undefined) return own;
    if (declared.length === 1 && own[declared[0]] === undefined) return { ...own, [declared[0]]: legacy };
    if (declared.every(stream => own[stream] !== undefined)) return own;
    return stored;
}

/**
 * The error of a poll in which streams failed: the kind of the most consequential failure decides what the
 * scheduler does (a kind retrying cannot fix, then `rate_limited` with the longest wait, then `protocol`, then the
 * rest), and the message names every failed stream and why, and the streams that completed.
 */
export function streamsFailure(
    failed: readonly { stream: string; error: PollError }[],
    completed: readonly string[]
): PollError {
    const rank = (kind: string): number =>
        isFatalKind(kind) ? 0 : kind === 'rate_limited' ? 1 : kind === 'protocol' ? 2 : 3;
    const ordered = [...failed].sort((a, b) => rank(a.error.kind) - rank(b.error.kind));
    const lead = ordered[0].error;
    const what =
        failed.length === 1
            ? `stream '${failed[0].stream}' failed: ${failed[0].error.message}`
            : `streams failed: ${failed.map(f => `'${f.stream}' (${f.error.kind}): ${f.error.message}`).join('; ')}`;
    const others = completed.length === 0 ? '' : `; ${completed.join(', ')} completed`;
    const waits = failed.flatMap(f =>
        f.error.kind === 'rate_limited' && f.error.retryAfterMs !== undefined ? [f.error.retryAfterMs] : []
    );
    return {
        kind: lead.kind,
        message: `${what}${others}`,
        ...(lead.hint === undefined ? {} : { hint: lead.hint }),
        ...(lead.kind === 'rate_limited' && waits.length > 0 ? { retryAfterMs: Math.max(...waits) } : {})
    };
}
