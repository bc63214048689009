import {
    formatMB,
    formatNumber,
    formatPercent,
    formatSeconds,
    formatTimes,
    MB,
    median,
    medianOf
} from './bench-stats.js';
import type { ReplayResult } from './page-replay.js';
import type { PipelineResult } from './pipeline-run.js';

/** The targets of the ingestion benchmark. */
export const TARGETS = {
    /** End-to-end MB/s as a share of the tokenize-only MB/s on the same pages. */
    vsTokenize: 0.5,
    /** End-to-end MB/s as a multiple of xml2js' MB/s. */
    vsXml2js: 4,
    /** Peak RSS of the pipeline process, bytes. */
    maxRssBytes: 150 * MB
} as const;

/** The repeated runs of one configuration and of its baselines. */
export interface ConfigRuns {
    truncationLimit: number;
    pipeline: PipelineResult[];
    /** Tokenize-only replays of this configuration's pages. */
    tokenize: ReplayResult[];
}

/** One target checked for one configuration. */
export interface TargetCheck {
    truncationLimit: number;
    target: string;
    value: string;
    met: boolean;
}

/** Host detection XML MB/s of one end-to-end run. */
export function pipelineMBps(run: PipelineResult): number {
    return run.hldBytes / MB / (run.wallMs / 1000);
}

/** XML MB/s of one replay. */
export function replayMBps(run: ReplayResult): number {
    return run.bytes / MB / (run.ms / 1000);
}

/** Host detection XML MB per CPU-second of the process that read it. */
export function mbPerCpuSecond(run: { cpuMs: number }, bytes: number): number {
    return bytes / MB / (run.cpuMs / 1000);
}

/** `median (min–max)` of a rate over runs, so the spread of a noisy machine shows. */
function spread(values: number[], digits = 1): string {
    const text = formatNumber(median(values), digits);
    return values.length < 2
        ? text
        : `${text} (${formatNumber(Math.min(...values), digits)}–${formatNumber(Math.max(...values), digits)})`;
}

/** Checks every target of every configuration against the medians. */
export function checkTargets(configs: readonly ConfigRuns[], xml2js: readonly ReplayResult[]): TargetCheck[] {
    const xml2jsMBps = medianOf(xml2js, replayMBps);
    return configs.flatMap(config => {
        const e2e = medianOf(config.pipeline, pipelineMBps);
        const vsTokenize = e2e / medianOf(config.tokenize, replayMBps);
        const vsXml2js = e2e / xml2jsMBps;
        const rss = medianOf(config.pipeline, run => run.maxRssBytes);
        const limit = config.truncationLimit;
        return [
            {
                truncationLimit: limit,
                target: 'end-to-end / tokenize-only >= 50%',
                value: formatPercent(vsTokenize),
                met: vsTokenize >= TARGETS.vsTokenize
            },
            {
                truncationLimit: limit,
                target: 'end-to-end / xml2js >= 4x',
                value: formatTimes(vsXml2js),
                met: vsXml2js >= TARGETS.vsXml2js
            },
            {
                truncationLimit: limit,
                target: 'peak RSS <= 150 MB',
                value: formatMB(rss, 0),
                met: rss <= TARGETS.maxRssBytes
            }
        ];
    });
}

/** A markdown table from a header and rows. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
    const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The end-to-end table: one column per configuration, medians over the runs. */
export function pipelineTable(configs: readonly ConfigRuns[]): string {
    const m = (config: ConfigRuns, field: (run: PipelineResult) => number): number => medianOf(config.pipeline, field);
    const perSecond = (count: (run: PipelineResult) => number) => (run: PipelineResult) =>
        count(run) / (run.wallMs / 1000);
    const rows: [string, (config: ConfigRuns) => string][] = [
        ['runs', config => String(config.pipeline.length)],
        ['wall time', config => formatSeconds(m(config, run => run.wallMs))],
        ['CPU time of the pipeline process', config => formatSeconds(m(config, run => run.cpuMs))],
        ['hosts', config => formatNumber(m(config, run => run.hosts))],
        ['detections', config => formatNumber(m(config, run => run.detections))],
        ['detections/s', config => spread(config.pipeline.map(perSecond(run => run.detections)), 0)],
        ['hosts/s', config => spread(config.pipeline.map(perSecond(run => run.hosts)), 0)],
        ['host detection XML received', config => formatMB(m(config, run => run.hldBytes))],
        ['XML MB/s', config => spread(config.pipeline.map(pipelineMBps))],
        ['artifacts written', config => formatNumber(m(config, run => run.artifacts))],
        ['output written (JSONL)', config => formatMB(m(config, run => run.outputBytes))],
        [
            'peak RSS (maxRSS)',
            config =>
                spread(
                    config.pipeline.map(run => run.maxRssBytes / MB),
                    0
                ) + ' MB'
        ],
        [
            'peak RSS before the poll (modules loaded)',
            config =>
                formatMB(
                    m(config, run => run.rssBeforePollBytes),
                    0
                )
        ],
        [
            'peak V8 heap used',
            config =>
                formatMB(
                    m(config, run => run.peakHeapUsedBytes),
                    0
                )
        ],
        ['API calls', config => apiCalls(config.pipeline[0]?.apiCalls ?? {})]
    ];
    const header = ['', ...configs.map(config => `truncationLimit ${formatNumber(config.truncationLimit)}`)];
    return markdownTable(
        header,
        rows.map(([label, cell]) => [label, ...configs.map(cell)])
    );
}

/** The baselines and the end-to-end runs side by side, in MB/s of XML (wall time, and CPU time). */
export function throughputTable(configs: readonly ConfigRuns[], xml2js: readonly ReplayResult[]): string {
    const row = (
        pass: string,
        input: string,
        runs: readonly { maxRssBytes: number; cpuMs: number }[],
        bytes: number,
        mbps: number[]
    ): string[] => [
        pass,
        input,
        formatMB(bytes),
        spread(mbps),
        formatNumber(median(runs.map(run => mbPerCpuSecond(run, bytes))), 1),
        formatMB(median(runs.map(run => run.maxRssBytes)), 0)
    ];
    const pages = (count: number, limit: number): string => `${count} × ${formatNumber(limit)}-host pages`;
    const rows = configs.flatMap(config => {
        const input = pages(config.tokenize[0]?.pages ?? 0, config.truncationLimit);
        const hld = config.pipeline[0]?.hldBytes ?? 0;
        return [
            row(
                `end-to-end, truncationLimit ${formatNumber(config.truncationLimit)}`,
                input,
                config.pipeline,
                hld,
                config.pipeline.map(pipelineMBps)
            ),
            row(
                'tokenize-only (empty handlers)',
                input,
                config.tokenize,
                config.tokenize[0]?.bytes ?? 0,
                config.tokenize.map(replayMBps)
            )
        ];
    });
    const xml2jsInput = pages(xml2js[0]?.pages ?? 0, configs[0]?.truncationLimit ?? 0);
    rows.push(
        row(
            'xml2js `parseStringPromise` (whole page)',
            xml2jsInput,
            xml2js,
            xml2js[0]?.bytes ?? 0,
            xml2js.map(replayMBps)
        )
    );
    return markdownTable(['pass', 'input', 'XML', 'MB/s, median (min–max)', 'MB per CPU-second', 'peak RSS'], rows);
}

/** The targets, one row per target and configuration, each marked met or missed. */
export function targetTable(checks: readonly TargetCheck[]): string {
    return markdownTable(
        ['configuration', 'target', 'measured', 'verdict'],
        checks.map(check => [
            `truncationLimit ${formatNumber(check.truncationLimit)}`,
            check.target,
            check.value,
            check.met ? 'met' : '**missed**'
        ])
    );
}

/** API calls by endpoint, e.g. `host_detection 20, knowledge_base 1`. */
function apiCalls(calls: Readonly<Record<string, number>>): string {
    return Object.entries(calls)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([endpoint, count]) => `${endpoint} ${count}`)
        .join(', ');
}
