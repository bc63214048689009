import {
    DEFAULT_MAX_CONCURRENT_POLLS,
    initialDelayBound,
    MAX_DEFAULT_INITIAL_DELAY_MS
} from '@signal-connectors/host-runtime';
import { markdownTable, targetsSection } from './bench-report.js';
import { formatMB, formatNumber, formatPercent, formatSeconds, formatTimes, MB, median } from './bench-stats.js';
import { type MachineInfo, machineSection } from './machine-info.js';
import type { PollRun } from './poll-run.js';
import type { ScaleOptions } from './scale-options.js';
import type { TargetCheck } from './scenario-figures.js';
import type { ServiceRun } from './service-run.js';

/** The limits. */
export const SCALE_TARGETS = {
    /** Peak RSS of a poll process. */
    pollPeakRssBytes: 150 * MB,
    /** The large tenant's peak may differ from the small one's by at most this fraction. */
    tenantGrowth: 0.1,
    /** Every instance of the service has finished its first poll within this long of the start. */
    serviceFirstPollsMs: 3 * 60_000,
    /** Peak RSS of the service process: under this. */
    servicePeakRssBytes: 300 * MB
} as const;

/** The service's defaults that shape the scenario, as documented by the runtime (config loader, scheduler). */
export const SERVICE_DEFAULTS = {
    maxConcurrentPolls: DEFAULT_MAX_CONCURRENT_POLLS,
    /** The random initial delay is at most 10% of the interval (see `initialDelayBound`), and at most this. */
    initialDelayFraction: 0.1,
    maxInitialDelayMs: MAX_DEFAULT_INITIAL_DELAY_MS
} as const;

/** The service run reduced to its figures. */
export interface ServiceFigures {
    instances: number;
    /** Instances that finished a poll successfully before the process was stopped. */
    polled: number;
    /** From the process start to the first successful poll's end: earliest, median and latest instance. */
    firstPollMs: { first: number; median: number; last: number };
    /** Detections fetched by the first successful poll of every instance. */
    firstPollDetections: number;
    /** Detections fetched over every poll until the stop. */
    detections: number;
    /** Polls that succeeded / failed until the stop. */
    succeededPolls: number;
    failedPolls: number;
    /** The last failure seen, when there was one. */
    lastError?: string;
    peakRssBytes: number;
    cpuSeconds: number;
    ranMs: number;
    deadlineReached: boolean;
    exitCode: number;
}

/** Reduces a service run to its figures. */
export function serviceFigures(run: ServiceRun): ServiceFigures {
    const all = run.progress.all().map(entry => entry.progress);
    const finished = all.flatMap(p => (p.firstSuccessAt === undefined ? [] : [p.firstSuccessAt - run.startedAt]));
    const lastError = all.map(p => p.lastError).findLast(error => error !== undefined);
    return {
        instances: run.instances,
        polled: finished.length,
        firstPollMs: {
            first: finished.length === 0 ? NaN : Math.min(...finished),
            median: median(finished),
            last: finished.length === 0 ? NaN : Math.max(...finished)
        },
        firstPollDetections: all.reduce((sum, p) => sum + (p.firstDetections ?? 0), 0),
        detections: all.reduce((sum, p) => sum + p.detections, 0),
        succeededPolls: all.reduce((sum, p) => sum + p.succeeded, 0),
        failedPolls: all.reduce((sum, p) => sum + p.failed, 0),
        ...(lastError === undefined ? {} : { lastError }),
        peakRssBytes: run.peakRssBytes,
        cpuSeconds: run.cpuSeconds,
        ranMs: run.ranMs,
        deadlineReached: run.deadlineReached,
        exitCode: run.exitCode
    };
}

/** A small and a large tenant polled at one truncation limit. */
export interface TenantRuns {
    truncationLimit: number;
    small: PollRun;
    large: PollRun;
}

/**
 * The memory-against-tenant checks at one truncation limit: each peak within the limit, and the large one within
 * 10% of the small.
 */
export function tenantChecks(
    small: Pick<PollRun, 'maxRssBytes' | 'hosts'>,
    large: Pick<PollRun, 'maxRssBytes' | 'hosts'>,
    truncationLimit: number
): TargetCheck[] {
    const ratio = large.maxRssBytes / small.maxRssBytes;
    const limit = `<= ${formatMB(SCALE_TARGETS.pollPeakRssBytes, 0)}`;
    const at = `truncationLimit ${formatNumber(truncationLimit)}`;
    return [
        {
            what: `poll peak RSS, ${formatNumber(small.hosts)} hosts, ${at}`,
            target: limit,
            measured: formatMB(small.maxRssBytes, 0),
            met: small.maxRssBytes <= SCALE_TARGETS.pollPeakRssBytes
        },
        {
            what: `poll peak RSS, ${formatNumber(large.hosts)} hosts, ${at}`,
            target: limit,
            measured: formatMB(large.maxRssBytes, 0),
            met: large.maxRssBytes <= SCALE_TARGETS.pollPeakRssBytes
        },
        {
            what: `peak RSS, large tenant against small, ${at} (memory must not grow with the tenant)`,
            target: `within ${formatPercent(SCALE_TARGETS.tenantGrowth)}`,
            measured: `${formatTimes(ratio)} (${ratio >= 1 ? '+' : '−'}${formatPercent(Math.abs(ratio - 1))})`,
            met: Number.isFinite(ratio) && Math.abs(ratio - 1) <= SCALE_TARGETS.tenantGrowth
        }
    ];
}

/** The service checks: every instance polled within 3 minutes, and a peak under 300 MB. */
export function serviceChecks(figures: ServiceFigures): TargetCheck[] {
    const allPolled = figures.polled === figures.instances;
    return [
        {
            what: `every instance finished its first poll (${figures.instances} instances)`,
            target: `within ${formatNumber(SCALE_TARGETS.serviceFirstPollsMs / 60_000)} minutes`,
            measured: allPolled
                ? `all, the last after ${formatSeconds(figures.firstPollMs.last)}`
                : `${figures.polled} of ${figures.instances} after ${formatSeconds(figures.ranMs)}`,
            met: allPolled && figures.firstPollMs.last <= SCALE_TARGETS.serviceFirstPollsMs
        },
        {
            what: 'peak RSS of the signal-client run process',
            target: `< ${formatMB(SCALE_TARGETS.servicePeakRssBytes, 0)}`,
            measured: formatMB(figures.peakRssBytes, 0),
            met: figures.peakRssBytes < SCALE_TARGETS.servicePeakRssBytes
        }
    ];
}

/** Everything a scale benchmark run found. */
export interface ScaleReport {
    date: Date;
    durationMs: number;
    options: ScaleOptions;
    machine: MachineInfo;
    loadAtEnd: number;
    code?: string;
    tenant?: TenantRuns[];
    service?: ServiceFigures;
}

const perSecond = (run: PollRun): number => run.detections / (run.wallMs / 1000);

function tenantSection(report: ScaleReport, { truncationLimit, small, large }: TenantRuns): string[] {
    const o = report.options.tenant!;
    const rows: [string, (run: PollRun) => string][] = [
        ['hosts', run => formatNumber(run.hosts)],
        ['detections', run => formatNumber(run.detections)],
        ['wall time', run => formatSeconds(run.wallMs)],
        ['detections/s', run => formatNumber(perSecond(run))],
        ['**peak RSS**', run => `**${formatMB(run.maxRssBytes, 0)}**`],
        ['CPU seconds', run => formatNumber(run.cpuMs / 1000, 1)],
        ['host detection calls', run => String(run.apiCalls.host_detection ?? 0)]
    ];
    return [
        `## Memory against tenant size: ${o.detectionsPerHost} detections per host, truncationLimit ` +
            `${formatNumber(truncationLimit)}`,
        '',
        markdownTable(
            ['', 'small tenant', 'large tenant'],
            rows.map(([label, cell]) => [label, cell(small), cell(large)])
        ),
        '',
        `Peak RSS, large over small: **${formatTimes(large.maxRssBytes / small.maxRssBytes)}** for ` +
            `${formatTimes(large.hosts / small.hosts)} the hosts.`,
        ''
    ];
}

function serviceSection(report: ScaleReport, f: ServiceFigures): string[] {
    const o = report.options.service!;
    const concurrency =
        o.maxConcurrentPolls === undefined
            ? `not set (the default, ${SERVICE_DEFAULTS.maxConcurrentPolls})`
            : String(o.maxConcurrentPolls);
    const rows: [string, string][] = [
        ['instances polled (a first poll finished successfully)', `**${f.polled} / ${f.instances}**`],
        ['first poll finished, earliest instance', formatSeconds(f.firstPollMs.first)],
        ['first poll finished, median instance', formatSeconds(f.firstPollMs.median)],
        ['**first poll finished, last instance**', `**${formatSeconds(f.firstPollMs.last)}**`],
        ['detections delivered by the first polls', formatNumber(f.firstPollDetections)],
        ['detections delivered until the stop (later polls included)', formatNumber(f.detections)],
        ['polls succeeded / failed until the stop', `${f.succeededPolls} / ${f.failedPolls}`],
        ['**peak RSS of the process**', `**${formatMB(f.peakRssBytes, 0)}**`],
        ['CPU seconds of the process', formatNumber(f.cpuSeconds, 1)],
        ['stopped (SIGTERM) after', `${formatSeconds(f.ranMs)}${f.deadlineReached ? ' (the deadline)' : ''}`],
        ['exit code after the SIGTERM', String(f.exitCode)]
    ];
    return [
        `## The service: ${o.subscriptions} subscriptions × ${o.instancesPerSubscription} instances, ` +
            `${formatNumber(o.hostsPerSubscription)} hosts × ${o.detectionsPerHost} detections per subscription, ` +
            `pollingInterval ${o.pollingInterval}, maxConcurrentPolls ${concurrency}`,
        '',
        markdownTable(['', 'signal-client run'], rows),
        '',
        ...(f.lastError === undefined ? [] : [`The last poll failure: ${f.lastError}`, '']),
        'Times are from the start of the process.',
        ''
    ];
}

/** Every target check of the report. */
export function scaleChecks(report: ScaleReport): TargetCheck[] {
    return [
        ...(report.tenant ?? []).flatMap(runs => tenantChecks(runs.small, runs.large, runs.truncationLimit)),
        ...(report.service === undefined ? [] : serviceChecks(report.service))
    ];
}

/** The whole report, as Markdown. */
export function renderScaleReport(report: ScaleReport): string {
    const { machine, options } = report;
    const out: string[] = ['# Scale benchmark', ''];
    out.push(
        `Run on ${report.date.toISOString().replace(/\.\d+Z$/, 'Z')} by \`npm run bench:scale\`, in ` +
            `${formatSeconds(report.durationMs)}, once. Other work shares this machine: see the load averages.`,
        ''
    );
    out.push(...machineSection(machine, report.loadAtEnd, report.code));
    out.push('', '## Method', '');
    out.push(
        `- Tenants: \`qualys-sandbox\` processes of their own, RESULTS ≈ ${options.resultsSize} characters per ` +
            `detection, seed ${options.seed}, a rate limit that never throttles.`
    );
    if (options.tenant !== undefined) {
        out.push(
            '- Memory against tenant size: `signal-client poll` as a user runs it (the installed launcher, a ' +
                'config file, the JSONL sink with an fsync per batch, a first full sync from an empty data ' +
                'directory, KnowledgeBase enrichment and scans on), one process per tenant and truncation limit; ' +
                'peak RSS and CPU time by the kernel (`getrusage` of the waited child).'
        );
    }
    if (options.service !== undefined) {
        const initialDelay = initialDelayBound(options.service.pollingIntervalMs);
        out.push(
            '- The service: one `signal-client run` process (the installed launcher, the default JSONL sink, ' +
                'admin API off, JSON log lines at level info), every instance from an empty data directory with ' +
                "default settings. The instances' `Poll started`/`Poll succeeded` and `qualys: fetched host " +
                'detections` log lines give when each finished its first poll and what it fetched. Once all have ' +
                'finished (or at the deadline) the process gets SIGTERM; its peak RSS (`VmHWM`) and CPU time are ' +
                'read from `/proc` just before.',
            `- The scheduler's defaults, used as a user gets them: at most ${SERVICE_DEFAULTS.maxConcurrentPolls} ` +
                'polls at once across all instances (`maxConcurrentPolls`; the others queue in order), and a random ' +
                `initial delay of up to ${formatPercent(SERVICE_DEFAULTS.initialDelayFraction)} of the interval ` +
                `(at most ${formatSeconds(SERVICE_DEFAULTS.maxInitialDelayMs)}; ${formatSeconds(initialDelay)} at ` +
                `${options.service.pollingInterval}) before each instance's first poll.`
        );
    }
    out.push('');
    for (const runs of report.tenant ?? []) out.push(...tenantSection(report, runs));
    if (report.service !== undefined) out.push(...serviceSection(report, report.service));
    const checks = scaleChecks(report);
    out.push(...targetsSection(checks));
    return out.join('\n');
}
