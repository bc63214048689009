import type { PollProgress } from '@signal-connectors/connector-sdk';
import type { PollEvent } from '../scheduler/poll-events.js';

/** A poll in progress, as the console shows it. */
export interface LiveProgress {
    runId: string;
    startedAt: string;
    batches: number;
    artifacts: number;
    /** The connector's own counters of the latest batch (pages, hosts...). */
    counters: PollProgress;
}

/** Follows the runner's events and keeps what each running poll has committed so far. */
export class ProgressTracker {
    private readonly running = new Map<string, LiveProgress>();

    /** Pass it to `PollRunner.addListener`. */
    readonly onPollEvent = (event: PollEvent): void => {
        if (event.type === 'started') {
            this.running.set(event.instanceId, {
                runId: event.runId,
                startedAt: new Date(event.startedAt).toISOString(),
                batches: 0,
                artifacts: 0,
                counters: {}
            });
        } else if (event.type === 'batch') {
            const progress = this.running.get(event.instanceId);
            if (progress === undefined || progress.runId !== event.runId) return;
            progress.batches = event.batch;
            progress.artifacts = event.totalArtifacts;
            if (event.progress !== undefined) progress.counters = event.progress;
        } else if (this.running.get(event.instanceId)?.runId === event.runId) {
            this.running.delete(event.instanceId);
        }
    };

    /** The instance's poll in progress, if one runs. */
    of(instanceId: string): LiveProgress | undefined {
        return this.running.get(instanceId);
    }
}
