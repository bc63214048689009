import { formatCount, type Logger, type PollProgress } from '@signal-connectors/connector-sdk';
import type { PollEvent } from '../scheduler/poll-events.js';
import { formatCounters, formatElapsed } from './output-format.js';
import type { StatusLine } from './status-line.js';

/** Options of {@link PollProgressDisplay}. */
export interface PollProgressOptions {
    /** On a terminal: progress is this line, updated in place. Without it, progress is logged. */
    statusLine?: StatusLine;
    logger: Logger;
    now?: () => number;
    /** Without a terminal, for connectors that report no `pages`: one log line per this many batches (default 10). */
    logEveryBatches?: number;
    /** How often the terminal line is redrawn, for the spinner and the elapsed time (default 200 ms). */
    refreshMs?: number;
}

/** A poll in progress, as shown. */
interface ShownPoll {
    instanceId: string;
    runId: string;
    startedAt: number;
    batches: number;
    artifacts: number;
    progress: PollProgress;
    loggedPages: number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Shows the progress of running polls from the runner's events, using the connector's own batch counters (pages,
 * hosts, detections, rate-limit waits...). On a terminal: one line, updated in place, for all running polls.
 * Otherwise log lines, which survive in a journal: one per page when the connector counts pages, else one per
 * `logEveryBatches` batches.
 */
export class PollProgressDisplay {
    private readonly running = new Map<string, ShownPoll>();
    private readonly now: () => number;
    private readonly logEvery: number;
    private timer?: NodeJS.Timeout;
    private frame = 0;

    constructor(private readonly options: PollProgressOptions) {
        this.now = options.now ?? Date.now;
        this.logEvery = Math.max(1, options.logEveryBatches ?? 10);
    }

    /** Pass it to `PollRunner.addListener`. */
    readonly onPollEvent = (event: PollEvent): void => {
        if (event.type === 'started') {
            this.running.set(event.runId, {
                instanceId: event.instanceId,
                runId: event.runId,
                startedAt: event.startedAt,
                batches: 0,
                artifacts: 0,
                progress: {},
                loggedPages: 0
            });
        } else if (event.type === 'batch') {
            const poll = this.running.get(event.runId);
            if (poll === undefined) return;
            poll.batches = event.batch;
            poll.artifacts = event.totalArtifacts;
            if (event.progress !== undefined) poll.progress = event.progress;
            if (this.options.statusLine === undefined) this.logProgress(poll);
        } else if (event.type === 'finished') {
            this.running.delete(event.runId);
        }
        this.render();
    };

    /** Stops redrawing and erases the line. */
    dispose(): void {
        this.stopTimer();
        this.running.clear();
        this.options.statusLine?.clear();
    }

    private logProgress(poll: ShownPoll): void {
        const pages = poll.progress.pages;
        const due = typeof pages === 'number' ? pages > poll.loggedPages : poll.batches % this.logEvery === 0;
        if (!due) return;
        if (typeof pages === 'number') poll.loggedPages = pages;
        this.options.logger.info(`Poll progress of ${poll.instanceId}: ${describe(poll)}`, {
            instance: poll.instanceId,
            runId: poll.runId,
            batches: poll.batches,
            artifacts: poll.artifacts,
            ...poll.progress
        });
    }

    private render(): void {
        const line = this.options.statusLine;
        if (line === undefined) return;
        if (this.running.size === 0) {
            this.stopTimer();
            line.clear();
            return;
        }
        if (this.timer === undefined) {
            this.timer = setInterval(() => this.render(), this.options.refreshMs ?? 200);
            // A progress display must never be what keeps the process alive.
            this.timer.unref();
        }
        this.frame = (this.frame + 1) % SPINNER.length;
        const now = this.now();
        const parts = [...this.running.values()].map(
            poll => `${poll.instanceId}: ${describe(poll)} · ${formatElapsed(now - poll.startedAt)}`
        );
        line.set(`${SPINNER[this.frame]} ${parts.join(' | ')}`);
    }

    private stopTimer(): void {
        if (this.timer !== undefined) clearInterval(this.timer);
        this.timer = undefined;
    }
}

/** `3 pages · 300 hosts · 3,600 detections · 0 rate-limit waits · 3,812 artifacts`. */
function describe(poll: ShownPoll): string {
    const counters = formatCounters(poll.progress);
    const artifacts = `${formatCount(poll.artifacts)} artifact${poll.artifacts === 1 ? '' : 's'}`;
    return poll.batches === 0 ? `polling… · ${artifacts}` : counters === '' ? artifacts : `${counters} · ${artifacts}`;
}
