import type { RecordedError } from '../state/state-store.js';
import { DEFAULT_PROTOCOL_RETRIES, isFatalKind, protocolRetriesExhausted, type ProtocolRetries } from './retry-policy.js';
import type { PollOutcome } from './poll-events.js';
import type { ScheduledInstance } from './scheduler.js';

/** The scheduler's view of one instance, as shown by the admin API and `status`. */
export interface InstanceSchedule {
    instanceId: string;
    enabled: boolean;
    /** A poll holds a slot and runs. */
    running: boolean;
    /** A poll waits for a free slot. */
    queued: boolean;
    /** When the next scheduled poll is due (ms since the epoch); undefined when nothing is scheduled. */
    nextRunAt?: number;
    consecutiveFailures: number;
    /**
     * Set after a failure retrying cannot fix, or once `protocol` failures outlast their bounded retries;
     * cleared by the next success.
     */
    failedReason?: RecordedError;
    lastOutcome?: PollOutcome;
}

/** Mutable schedule state of one instance; only the scheduler changes it. */
export class ScheduleEntry {
    /** The poll running or queued, shared by every trigger that arrives meanwhile. */
    inFlight?: Promise<PollOutcome>;
    running = false;
    nextAt?: number;
    failures = 0;
    /** Consecutive polls that failed with a `protocol` error. */
    protocolFailures = 0;
    failedReason?: RecordedError;
    lastOutcome?: PollOutcome;
    private wakeController = new AbortController();
    /** Aborted to end the current loop (the instance was changed, disabled or removed). */
    private loopController = new AbortController();
    /** Aborted to stop the poll in flight at its next batch boundary (the instance was disabled or removed). */
    private cancelController = new AbortController();

    /** Replaced when the instance's config changes; the scheduler then starts a new loop for it. */
    constructor(public instance: ScheduledInstance) {}

    /** Aborts when the current loop must end; see {@link endLoop}. */
    get loopSignal(): AbortSignal {
        return this.loopController.signal;
    }

    /** Aborts when the poll in flight must stop; see {@link cancelPoll}. */
    get cancelSignal(): AbortSignal {
        return this.cancelController.signal;
    }

    /** Ends the current loop (its sleep is interrupted) and arms a fresh signal for the next one. */
    endLoop(): void {
        this.loopController.abort();
        this.loopController = new AbortController();
    }

    /** Stops the poll in flight at its next batch boundary; later polls are not affected. */
    cancelPoll(reason: string): void {
        this.cancelController.abort(new Error(reason));
        this.cancelController = new AbortController();
    }

    /** The instance's `protocol` failures in a row, and the retries it may make with backoff. */
    get protocolRetries(): ProtocolRetries {
        return { failures: this.protocolFailures, limit: this.instance.protocolRetries ?? DEFAULT_PROTOCOL_RETRIES };
    }

    /**
     * Takes a finished poll into account: a success clears the failure counts and the failed mark, a failure
     * counts, and one retrying cannot fix (or a `protocol` failure beyond its bounded retries) marks the instance
     * failed. Returns `recovered` when a success ends a failed state, `retries-exhausted` when `protocol` failures
     * have just marked it.
     */
    record(outcome: PollOutcome): 'recovered' | 'retries-exhausted' | undefined {
        this.lastOutcome = outcome;
        if (outcome.result === 'success') {
            const recovered = this.failedReason !== undefined;
            this.failures = 0;
            this.protocolFailures = 0;
            this.failedReason = undefined;
            return recovered ? 'recovered' : undefined;
        }
        if (outcome.result !== 'failed') return undefined;
        this.failures++;
        const error = outcome.error;
        this.protocolFailures = error?.kind === 'protocol' ? this.protocolFailures + 1 : 0;
        if (error !== undefined && isFatalKind(error.kind)) {
            this.failedReason = {
                kind: error.kind,
                message: error.message,
                ...(error.hint === undefined ? {} : { hint: error.hint })
            };
        } else if (error?.kind === 'protocol' && protocolRetriesExhausted(this.protocolRetries)) {
            this.failedReason = {
                kind: 'protocol',
                message:
                    `bad or truncated responses in ${this.protocolFailures} polls in a row, so no more quick ` +
                    `retries until a poll on the normal schedule succeeds; the last: ${error.message}`,
                ...(error.hint === undefined ? {} : { hint: error.hint })
            };
            return 'retries-exhausted';
        } else {
            // As the state store does: a failure retrying may fix means the earlier cause has moved on.
            this.failedReason = undefined;
        }
        return undefined;
    }

    /** A fresh signal for the loop's next sleep; {@link wake} aborts it. */
    resetWake(): AbortSignal {
        this.wakeController = new AbortController();
        return this.wakeController.signal;
    }

    /** Interrupts the loop's sleep so it re-reads `nextAt`. */
    wake(): void {
        this.wakeController.abort();
    }

    snapshot(): InstanceSchedule {
        return {
            instanceId: this.instance.id,
            enabled: this.instance.enabled,
            running: this.running,
            queued: this.inFlight !== undefined && !this.running,
            consecutiveFailures: this.failures,
            ...(this.nextAt === undefined || !this.instance.enabled ? {} : { nextRunAt: this.nextAt }),
            ...(this.failedReason === undefined ? {} : { failedReason: this.failedReason }),
            ...(this.lastOutcome === undefined ? {} : { lastOutcome: this.lastOutcome })
        };
    }
}
