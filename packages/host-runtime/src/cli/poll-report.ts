import { formatCount, type PollProgress } from '@signal-connectors/connector-sdk';
import type { PollEvent, PollOutcome } from '../scheduler/poll-events.js';
import type { CountingSink } from '../service/counting-sink.js';
import { formatCounters, formatElapsed, formatTypeCounts, formatWhen } from './output-format.js';

/** How one poll went, for the summary printed after it. */
export interface PollReport {
    outcome: PollOutcome;
    /** Artifacts the sink acknowledged, by type. */
    byType: Record<string, number>;
    /** The connector's counters of the last batch (pages, hosts, detections...). */
    progress: PollProgress;
    /** When the scheduler polls the instance next (ms since the epoch), if it does. */
    nextRunAt?: number;
}

/** Options of {@link PollReporter}. */
export interface PollReporterOptions {
    /** Hands over (and resets) an instance's acknowledged artifacts by type. */
    sink: Pick<CountingSink, 'take'>;
    /** Receives each finished poll's report. */
    onReport: (report: PollReport) => void;
    /** The next run the scheduler planned for an instance; read after the scheduler took the outcome in. */
    nextRunAt?: (instanceId: string) => number | undefined;
}

/**
 * Collects what the summary of a poll needs from the runner's events and the counting sink, and hands the report
 * over once the poll finished.
 */
export class PollReporter {
    private readonly progress = new Map<string, PollProgress>();

    constructor(private readonly options: PollReporterOptions) {}

    /** Pass it to `PollRunner.addListener`. */
    readonly onPollEvent = (event: PollEvent): void => {
        if (event.type === 'started') {
            // Whatever was counted before belongs to no poll of this instance (a previous, interrupted one).
            this.options.sink.take(event.instanceId);
            this.progress.set(event.runId, {});
        } else if (event.type === 'batch') {
            if (event.progress !== undefined) this.progress.set(event.runId, event.progress);
        } else if (event.type === 'finished') {
            const { outcome } = event;
            const progress = this.progress.get(event.runId) ?? {};
            this.progress.delete(event.runId);
            const byType = this.options.sink.take(event.instanceId);
            // The scheduler plans the next run right after the runner returns: one turn of the event loop later.
            setImmediate(() => {
                const nextRunAt = this.options.nextRunAt?.(outcome.instanceId);
                this.options.onReport({ outcome, byType, progress, ...(nextRunAt === undefined ? {} : { nextRunAt }) });
            });
        }
    };
}

/** Options of {@link formatPollReport}. */
export interface PollReportFormat {
    /** Where the artifacts went, e.g. the JSONL directory. */
    destination: string;
    now: number;
    /** A prefix such as `Poll 2`; default `Poll`. */
    title?: string;
}

/**
 * The summary of a poll, a few lines: result and duration, artifacts by type and batches, the connector's
 * counters, how each stream ended (with its artifacts), where the artifacts went, the error (kind, message,
 * hint) and the next run.
 */
export function formatPollReport(report: PollReport, format: PollReportFormat): string {
    const { outcome } = report;
    const title = `${format.title ?? 'Poll'} of ${outcome.instanceId}`;
    const took = formatElapsed(outcome.durationMs);
    const head =
        outcome.result === 'success'
            ? `${title} succeeded in ${took}`
            : outcome.result === 'cancelled'
              ? `${title} stopped at a batch boundary after ${took}; the next poll resumes from there`
              : `${title} failed after ${took}`;
    const lines = [head];
    const byType = formatTypeCounts(report.byType);
    lines.push(
        `  artifacts: ${formatCount(outcome.artifacts)} in ${formatCount(outcome.batches)} batches` +
            (byType === '' ? '' : ` (${byType})`)
    );
    const counters = formatCounters(report.progress);
    if (counters !== '') lines.push(`  ${counters}`);
    const streams = Object.entries(outcome.streams ?? {});
    if (streams.length > 0) {
        const described = streams.map(
            ([stream, { status, artifacts }]) =>
                `${stream} ${status ?? 'unfinished'}${status === 'failed' ? '' : ` (${formatCount(artifacts)})`}`
        );
        lines.push(`  streams: ${described.join(', ')}`);
    }
    if (outcome.artifacts > 0 || outcome.result === 'success') lines.push(`  written to: ${format.destination}`);
    if (outcome.error !== undefined) {
        lines.push(`  error (${outcome.error.kind}): ${outcome.error.message}`);
        if (outcome.error.hint !== undefined) lines.push(`  hint: ${outcome.error.hint}`);
        lines.push('  the next poll continues from the last committed checkpoint: nothing delivered is lost');
    }
    if (report.nextRunAt !== undefined) lines.push(`  next run: ${formatWhen(report.nextRunAt, format.now)}`);
    return `${lines.join('\n')}\n`;
}
