import { formatMB, formatNumber, formatTimes, median, MB } from './bench-stats.js';
import type { PeerRun } from './peer-run.js';
import type { PollRun } from './poll-run.js';
import type { PollVariant } from './poll-variants.js';

/** The runs of one configuration: our poll and the peer, round by round on the same tenant. */
export interface ScenarioRuns {
    truncationLimit: number;
    /** The settings our poll ran with. */
    variant: PollVariant;
    polls: PollRun[];
    /** Empty when the peer could not run. */
    peers: PeerRun[];
    /** Answers the sandbox refused for concurrency (409 1960) during each of our polls. */
    refusals: number[];
    /** The most host detection calls the sandbox saw running at once during each of our polls. */
    peakHostDetectionCalls: number[];
    /** Bytes of the host detection answers the sandbox sent during each of our polls... */
    hostDetectionBytes: number[];
    /** ...and during each run of the peer (empty when it did not run). */
    peerHostDetectionBytes: number[];
}

/** The figures of one configuration, medians over its runs. */
export interface ScenarioFigures {
    truncationLimit: number;
    variant: PollVariant;
    runs: number;
    detections: number;
    wallMs: number;
    perSecond: number;
    perSecondRange: [number, number];
    peerWallMs: number;
    peerPerSecond: number;
    /** Ours over the peer's detections per second, the median of the per-round ratios. */
    ratio: number;
    ratioRange: [number, number];
    maxRssBytes: number;
    maxRssRange: [number, number];
    peerMaxRssBytes: number;
    cpuSecondsPerMillion: number;
    peerCpuSecondsPerMillion: number;
    bytesPerFinding: number;
    apiCalls: Record<string, number>;
    throttled: number;
    refusals: number;
    /** The most host detection calls that ran at once, over the runs. */
    peakHostDetectionCalls: number;
    /** Host detection answer bytes per detection, our poll's and the peer's (what each asks Qualys for). */
    responseBytesPerDetection: number;
    peerResponseBytesPerDetection: number;
    /** Host detection answer bytes of one run, our poll's and the peer's. */
    responseBytes: number;
    peerResponseBytes: number;
}

const range = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];

/** Reduces the runs of a configuration to its figures. Detections per second are over each process's wall time. */
export function scenarioFigures(runs: ScenarioRuns): ScenarioFigures {
    const perSecond = runs.polls.map(run => run.detections / (run.wallMs / 1000));
    const peerPerSecond = runs.peers.map(run => run.detections / (run.wallMs / 1000));
    const ratios = runs.peers.map((_, i) => perSecond[i] / peerPerSecond[i]);
    const rss = runs.polls.map(run => run.maxRssBytes);
    return {
        truncationLimit: runs.truncationLimit,
        variant: runs.variant,
        runs: runs.polls.length,
        detections: median(runs.polls.map(run => run.detections)),
        wallMs: median(runs.polls.map(run => run.wallMs)),
        perSecond: median(perSecond),
        perSecondRange: range(perSecond),
        peerWallMs: median(runs.peers.map(run => run.wallMs)),
        peerPerSecond: median(peerPerSecond),
        ratio: median(ratios),
        ratioRange: ratios.length === 0 ? [NaN, NaN] : range(ratios),
        maxRssBytes: median(rss),
        maxRssRange: range(rss),
        peerMaxRssBytes: median(runs.peers.map(run => run.maxRssBytes)),
        cpuSecondsPerMillion: median(runs.polls.map(run => run.cpuMs / 1000 / (run.detections / 1e6))),
        peerCpuSecondsPerMillion: median(runs.peers.map(run => run.cpuMs / 1000 / (run.detections / 1e6))),
        bytesPerFinding: median(runs.polls.map(run => run.outputBytes / run.detections)),
        apiCalls: runs.polls[0]?.apiCalls ?? {},
        throttled: Math.max(0, ...runs.polls.map(run => run.throttled)),
        refusals: Math.max(0, ...runs.refusals),
        peakHostDetectionCalls: Math.max(0, ...runs.peakHostDetectionCalls),
        responseBytesPerDetection: median(runs.polls.map((run, i) => runs.hostDetectionBytes[i] / run.detections)),
        peerResponseBytesPerDetection: median(
            runs.peers.map((run, i) => runs.peerHostDetectionBytes[i] / run.detections)
        ),
        responseBytes: median(runs.hostDetectionBytes),
        peerResponseBytes: median(runs.peerHostDetectionBytes)
    };
}

/** The speed targets: our poll's rate over the peer's, on the fast server and on the slow one. */
export const FAST_SERVER_RATIO_TARGET = 1.5;
export const SLOW_SERVER_RATIO_TARGET = 1.8;

/** A target and whether the medians meet it. */
export interface TargetCheck {
    what: string;
    target: string;
    measured: string;
    met: boolean;
}

/** The targets, checked on the medians. */
export function checkTargets(fast: readonly ScenarioFigures[], slow: readonly ScenarioFigures[]): TargetCheck[] {
    const checks: TargetCheck[] = [];
    for (const figures of fast) {
        const limit = `truncationLimit ${formatNumber(figures.truncationLimit)}`;
        if (Number.isFinite(figures.ratio)) {
            checks.push({
                what: `${limit}: detections/s against the peer`,
                target: `>= ${FAST_SERVER_RATIO_TARGET}x`,
                measured: formatTimes(figures.ratio),
                met: figures.ratio >= FAST_SERVER_RATIO_TARGET
            });
        }
        checks.push({
            what: `${limit}: peak RSS of the poll process`,
            target: '<= 150 MB',
            measured: formatMB(figures.maxRssBytes, 0),
            met: figures.maxRssBytes <= 150 * MB
        });
    }
    for (const figures of slow) {
        const server = `slow server, ${figures.variant.name}`;
        if (Number.isFinite(figures.ratio)) {
            checks.push({
                what: `${server}: full sync against the sequential peer`,
                target: `>= ${SLOW_SERVER_RATIO_TARGET}x`,
                measured: formatTimes(figures.ratio),
                met: figures.ratio >= SLOW_SERVER_RATIO_TARGET
            });
        }
        checks.push({
            what: `${server}: concurrency refusals (409 1960) caused by the poll`,
            target: '0',
            measured: String(figures.refusals),
            met: figures.refusals === 0
        });
    }
    return checks;
}
