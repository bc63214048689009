import { randomUUID } from 'node:crypto';
import { formatDuration, type Clock, type Logger } from '@signal-connectors/connector-sdk';
import type { RecordedError, StateStore } from '../state/state-store.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { cancelledBeforeStart, type PollOutcome, type PollTarget } from './poll-events.js';
import type { PollRunner } from './poll-runner.js';
import { describeNextRun, initialDelayBound, planNextRun } from './retry-policy.js';
import { ScheduleEntry, type InstanceSchedule } from './schedule-entry.js';

/** An instance the scheduler polls (a composed `HostInstance` is one). */
export interface ScheduledInstance extends PollTarget {
    readonly enabled: boolean;
    readonly pollingIntervalMs: number;
    /** Upper bound of the random delay before the first poll; default 10% of the interval, at most 1 min. */
    readonly initialDelayMs?: number;
    /** Backoff retries after `protocol` failures in a row before waiting for the schedule (default 5). */
    readonly protocolRetries?: number;
}

/** What a {@link Scheduler} works with. */
export interface SchedulerOptions {
    runner: PollRunner;
    state: StateStore;
    /** Every wait goes through it, so tests drive the schedule with a fake clock. */
    clock: Clock;
    logger: Logger;
    /** Polls running at once across all instances; the others wait in order. */
    maxConcurrentPolls: number;
    /** Returns a number in [0, 1) for the initial delay; default `Math.random`. */
    random?: () => number;
}

/** What {@link Scheduler.stop} achieved within its timeout. */
export interface StopResult {
    /** True when every in-flight poll ended before the timeout. */
    completed: boolean;
    /** Instances whose poll was still running when the timeout passed. */
    stillRunning: string[];
}

/**
 * Polls each enabled instance on its interval (like Backstage's scheduler): a random initial delay spreads the
 * first polls, one instance never runs twice at once (a tick or trigger while it runs joins the running poll),
 * at most `maxConcurrentPolls` polls run across instances (the rest queue in order), a failure is retried with
 * exponential backoff (or after the `retryAfterMs` a rate-limited connector asked for), and an instance failing
 * with a kind retrying cannot fix (auth, permission, config, not_found), or with `protocol` errors beyond its
 * `protocolRetries`, is marked failed and tried again only on its normal schedule.
 */
export class Scheduler {
    private readonly entries = new Map<string, ScheduleEntry>();
    private readonly limiter: ConcurrencyLimiter;
    private readonly shutdown = new AbortController();
    private readonly random: () => number;
    private started = false;
    private stopping?: Promise<StopResult>;

    constructor(
        instances: readonly ScheduledInstance[],
        private readonly options: SchedulerOptions
    ) {
        this.limiter = new ConcurrencyLimiter(options.maxConcurrentPolls);
        this.random = options.random ?? Math.random;
        for (const instance of instances) this.entries.set(instance.id, this.newEntry(instance));
    }

    private newEntry(instance: ScheduledInstance): ScheduleEntry {
        const entry = new ScheduleEntry(instance);
        try {
            const status = this.options.state.getStatus(instance.id);
            entry.failures = status.consecutiveFailures;
            entry.failedReason = status.failedReason;
            // Marked after protocol failures outlasted their retries: stay on the normal schedule until a success.
            if (status.failedReason?.kind === 'protocol') entry.protocolFailures = entry.protocolRetries.limit + 1;
        } catch {
            // No history yet: start from a clean slate.
        }
        return entry;
    }

    /** Starts the schedule of every enabled instance; calling it again does nothing. */
    start(): void {
        if (this.started || this.stopping !== undefined) return;
        this.started = true;
        for (const entry of this.entries.values()) this.schedule(entry);
    }

    /**
     * Takes in a new or changed instance while running (console edits apply without a restart). A new instance is
     * scheduled like the others; a changed one keeps its poll in flight (it ends with the old settings) and is
     * planned afresh, its failed mark cleared since the change may be the fix. Disabling stops its poll in flight
     * at the next batch boundary. With `pollSoon`, the first poll is due at once (someone is watching).
     */
    upsert(instance: ScheduledInstance, options: { pollSoon?: boolean } = {}): void {
        let entry = this.entries.get(instance.id);
        if (entry === undefined) {
            entry = this.newEntry(instance);
            this.entries.set(instance.id, entry);
        } else {
            entry.endLoop();
            entry.instance = instance;
            entry.failures = 0;
            entry.failedReason = undefined;
            entry.nextAt = undefined;
            if (!instance.enabled) entry.cancelPoll(`${instance.id} was disabled`);
        }
        if (options.pollSoon === true && instance.enabled) entry.nextAt = this.options.clock.now();
        if (this.running) this.schedule(entry);
    }

    /**
     * Forgets an instance: its schedule ends and its poll in flight stops at the next batch boundary. Resolves once
     * that poll has ended, so that nothing is recorded for the instance afterwards.
     */
    async remove(instanceId: string): Promise<void> {
        const entry = this.entries.get(instanceId);
        if (entry === undefined) return;
        this.entries.delete(instanceId);
        entry.endLoop();
        entry.cancelPoll(`${instanceId} was deleted`);
        await entry.inFlight?.catch(() => undefined);
    }

    /** Starts the entry's loop when it is enabled, or records that nothing is scheduled. */
    private schedule(entry: ScheduleEntry): void {
        if (!entry.instance.enabled) {
            this.setNextRun(entry, undefined);
            return;
        }
        this.loop(entry, entry.loopSignal).catch(error =>
            this.options.logger.error(`Scheduler loop of ${entry.instance.id} died: ${(error as Error).message}`)
        );
    }

    /** True once `start` ran and until `stop` is called. */
    get running(): boolean {
        return this.started && this.stopping === undefined;
    }

    /** True while a poll of the instance runs or waits for a free slot. */
    isBusy(instanceId: string): boolean {
        return this.entries.get(instanceId)?.inFlight !== undefined;
    }

    /** The schedule and health of one instance, or undefined if unknown. */
    status(instanceId: string): InstanceSchedule | undefined {
        return this.entries.get(instanceId)?.snapshot();
    }

    /**
     * Polls an instance now (disabled ones too: it is an explicit request), within the concurrency limit. If it is
     * already running, the trigger joins that poll. Resolves with the poll's outcome.
     */
    trigger(instanceId: string, options: { runId?: string } = {}): Promise<PollOutcome> {
        const entry = this.entries.get(instanceId);
        if (entry === undefined) return Promise.reject(new Error(`unknown instance '${instanceId}'`));
        if (this.stopping !== undefined) return Promise.reject(new Error('the scheduler is stopping'));
        return this.execute(entry, 'manual trigger', options.runId);
    }

    /**
     * Stops scheduling, aborts the polls in flight (each stops at its next batch boundary, so nothing committed is
     * lost), and waits for them up to `timeoutMs`. Calling it again returns the same promise.
     */
    stop(options: { timeoutMs: number }): Promise<StopResult> {
        this.stopping ??= this.doStop(options.timeoutMs);
        return this.stopping;
    }

    private async doStop(timeoutMs: number): Promise<StopResult> {
        this.shutdown.abort(new Error('the scheduler is stopping'));
        const inFlight = [...this.entries.values()].flatMap(entry =>
            entry.inFlight === undefined ? [] : [entry.inFlight]
        );
        if (inFlight.length > 0)
            this.options.logger.info(
                `Waiting up to ${formatDuration(timeoutMs)} for ${inFlight.length} poll(s) to reach a batch boundary`
            );
        const timer = new AbortController();
        const completed = await Promise.race([
            Promise.allSettled(inFlight).then(() => true),
            this.options.clock.sleep(timeoutMs, timer.signal).then(
                () => false,
                () => true
            )
        ]);
        timer.abort();
        const stillRunning = [...this.entries.values()]
            .filter(entry => entry.inFlight !== undefined)
            .map(entry => entry.instance.id);
        for (const entry of this.entries.values()) {
            entry.nextAt = undefined;
            this.setNextRun(entry, undefined);
        }
        if (!completed)
            this.options.logger.warn(
                `Stopped waiting after ${formatDuration(timeoutMs)}; still running: ${stillRunning.join(', ')}`
            );
        return { completed, stillRunning };
    }

    /** One instance's schedule: sleep until due, poll, repeat. A finished run moves `nextAt` and wakes the loop. */
    private async loop(entry: ScheduleEntry, ended: AbortSignal): Promise<void> {
        const { clock, logger } = this.options;
        const { instance } = entry;
        const bound = initialDelayBound(instance.pollingIntervalMs, instance.initialDelayMs);
        entry.nextAt ??= clock.now() + Math.floor(this.random() * bound);
        while (!this.shutdown.signal.aborted && !ended.aborted) {
            this.setNextRun(entry, entry.nextAt);
            const wake = entry.resetWake();
            try {
                await clock.sleep(
                    Math.max(0, entry.nextAt - clock.now()),
                    AbortSignal.any([wake, this.shutdown.signal, ended])
                );
            } catch {
                continue; // woken: a run ended elsewhere and moved `nextAt`, the instance changed, or the scheduler stops
            }
            if (this.shutdown.signal.aborted || ended.aborted) break;
            if (entry.inFlight !== undefined) {
                logger.info(`Skipping the scheduled poll of ${instance.id}: the previous poll is still running`, {
                    instance: instance.id
                });
                await entry.inFlight;
                continue;
            }
            await this.execute(entry, 'schedule');
        }
    }

    /** Runs a poll of the entry within the concurrency limit, or joins the one in flight. */
    private execute(entry: ScheduleEntry, trigger: string, runId?: string): Promise<PollOutcome> {
        const { logger, clock, runner } = this.options;
        if (entry.inFlight !== undefined) {
            logger.info(
                `Poll of ${entry.instance.id} already ${entry.running ? 'running' : 'queued'}; the ${trigger} joins it`,
                { instance: entry.instance.id }
            );
            return entry.inFlight;
        }
        const id = runId ?? randomUUID();
        const run = async (): Promise<PollOutcome> => {
            if (this.limiter.running >= this.limiter.limit) {
                logger.debug(
                    `Poll of ${entry.instance.id} waits for a free slot (${this.limiter.running} running, ${this.limiter.waiting} waiting)`
                );
            }
            let release;
            try {
                release = await this.limiter.acquire(this.shutdown.signal);
            } catch {
                // Stopped while queued: the poll never started, so there is nothing to record.
                entry.inFlight = undefined;
                return cancelledBeforeStart(entry.instance, id, clock.now());
            }
            entry.running = true;
            let outcome: PollOutcome;
            try {
                const signal = AbortSignal.any([this.shutdown.signal, entry.cancelSignal]);
                outcome = await runner.run(entry.instance, { signal, runId: id });
            } finally {
                entry.running = false;
                entry.inFlight = undefined;
                release();
            }
            this.afterRun(entry, outcome);
            return outcome;
        };
        entry.inFlight = run();
        return entry.inFlight;
    }

    /** Updates the failure count and health, and plans (and logs) the next poll from how this one ended. */
    private afterRun(entry: ScheduleEntry, outcome: PollOutcome): void {
        const { logger, clock } = this.options;
        const { instance } = entry;
        // A removed instance has no schedule left to plan, and nothing more is recorded for it.
        if (this.entries.get(instance.id) !== entry) return;
        const change = entry.record(outcome);
        if (change === 'recovered') logger.info(`Instance ${instance.id} is healthy again`, { instance: instance.id });
        if (change === 'retries-exhausted' && entry.failedReason !== undefined) {
            this.markFailed(entry, entry.failedReason);
        }
        if (this.shutdown.signal.aborted) return;
        // Disabled while this poll ran: nothing is planned until it is enabled again.
        if (!instance.enabled) {
            entry.nextAt = undefined;
            this.setNextRun(entry, undefined);
            return;
        }
        const next = planNextRun(
            outcome,
            instance.pollingIntervalMs,
            entry.failures,
            clock.now(),
            entry.protocolRetries
        );
        entry.nextAt = next.at;
        const line = describeNextRun(instance.id, outcome, next, entry.failures, clock.now());
        logger[line.level](line.message, {
            instance: instance.id,
            nextRunAt: new Date(next.at).toISOString(),
            consecutiveFailures: entry.failures
        });
        this.setNextRun(entry, next.at);
        entry.wake();
    }

    private markFailed(entry: ScheduleEntry, reason: RecordedError): void {
        try {
            this.options.state.markFailed(entry.instance.id, reason);
        } catch (error) {
            this.options.logger.warn(
                `Could not record that ${entry.instance.id} is marked failed: ${(error as Error).message}`
            );
        }
    }

    private setNextRun(entry: ScheduleEntry, at: number | undefined): void {
        try {
            this.options.state.setNextRun(entry.instance.id, at === undefined ? undefined : new Date(at).toISOString());
        } catch (error) {
            this.options.logger.warn(
                `Could not record the next run of ${entry.instance.id}: ${(error as Error).message}`
            );
        }
    }
}
