import type { BenchOptions } from './bench-options.js';
import { formatMB, formatNumber, formatSeconds, formatTimes } from './bench-stats.js';
import { type MachineInfo, machineSection } from './machine-info.js';
import { describeSettings } from './poll-variants.js';
import { UNBOUNDED_CONCURRENCY } from './sandbox-process.js';
import {
    checkTargets,
    FAST_SERVER_RATIO_TARGET,
    type ScenarioFigures,
    scenarioFigures,
    type ScenarioRuns,
    type TargetCheck
} from './scenario-figures.js';

/** Everything a benchmark run found. */
export interface BenchReport {
    date: Date;
    durationMs: number;
    options: BenchOptions;
    machine: MachineInfo;
    /** 1-minute load average when the run ended. */
    loadAtEnd: number;
    /** The code measured (commit and uncommitted changes), when known. */
    code?: string;
    /** Why the peer did not run, when it did not. */
    peerProblem?: string;
    fast: ScenarioRuns[];
    /** One per variant of our poll; empty when the slow server was left out. */
    slow: ScenarioRuns[];
}

/** A Markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
    const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const calls = (apiCalls: Record<string, number>): string =>
    Object.entries(apiCalls)
        .map(([endpoint, count]) => `${endpoint} ${count}`)
        .join(', ') || 'n/a';

const spread = ([low, high]: [number, number], format: (value: number) => string): string =>
    Number.isFinite(low) && low !== high ? ` (${format(low)}–${format(high)})` : '';

/** The per-configuration table: one column per configuration. */
export function figuresTable(columns: readonly { title: string; figures: ScenarioFigures }[]): string {
    const rows: [string, (f: ScenarioFigures) => string][] = [
        ['runs', f => String(f.runs)],
        ['detections', f => formatNumber(f.detections)],
        ['wall time, our poll', f => formatSeconds(f.wallMs)],
        ['wall time, peer', f => formatSeconds(f.peerWallMs)],
        ['detections/s, our poll', f => formatNumber(f.perSecond) + spread(f.perSecondRange, v => formatNumber(v))],
        ['detections/s, peer', f => formatNumber(f.peerPerSecond)],
        ['**ratio to the peer**', f => `**${formatTimes(f.ratio)}**${spread(f.ratioRange, formatTimes)}`],
        ['peak RSS, our poll process', f => formatMB(f.maxRssBytes, 0) + spread(f.maxRssRange, v => formatMB(v, 0))],
        ['peak RSS, peer', f => formatMB(f.peerMaxRssBytes, 0)],
        ['CPU seconds per million detections, our poll', f => formatNumber(f.cpuSecondsPerMillion, 1)],
        ['CPU seconds per million detections, peer', f => formatNumber(f.peerCpuSecondsPerMillion, 1)],
        ['output bytes per finding', f => formatNumber(f.bytesPerFinding)],
        [
            'host detection answer bytes per detection, our poll / peer',
            f => `${formatNumber(f.responseBytesPerDetection)} / ${formatNumber(f.peerResponseBytesPerDetection)}`
        ],
        ['API calls, our poll', f => calls(f.apiCalls)],
        ['409 answers met / concurrency refusals', f => `${f.throttled} / ${f.refusals}`],
        ['host detection calls at once, at most', f => String(f.peakHostDetectionCalls)]
    ];
    return markdownTable(
        ['', ...columns.map(column => column.title)],
        rows.map(([label, cell]) => [label, ...columns.map(column => cell(column.figures))])
    );
}

/** The whole report, as Markdown. */
export function renderReport(report: BenchReport): string {
    const { options, machine } = report;
    const fast = report.fast.map(scenarioFigures);
    const slow = report.slow.map(scenarioFigures);
    const checks = checkTargets(fast, slow);
    const out: string[] = [];
    out.push('# Ingestion benchmark', '');
    out.push(
        `Run on ${report.date.toISOString().replace(/\.\d+Z$/, 'Z')} by \`npm run bench\`, in ` +
            `${formatSeconds(report.durationMs)}. Every figure is the **median of ${options.runs} run(s)** ` +
            '(min–max in brackets where they differ). Other work shares this machine: see the load averages.',
        ''
    );
    out.push(...machineSection(machine, report.loadAtEnd, report.code));
    out.push('');
    out.push('## Method', '');
    out.push(
        '- Our poll: `signal-client poll` as a user runs it (the installed launcher, a config file, the JSONL sink ' +
            'with an fsync per batch, a first full sync from an empty data directory, KnowledgeBase enrichment and ' +
            'scans on, every other setting at its default: host detection pages of disjoint host id ranges side ' +
            'by side, as many as the concurrency Qualys grants, keeping one call free from a limit of 3 up, and at ' +
            'most `maxConcurrentPages`, 4), a new process per run. "Host detection calls at once" is the most the ' +
            'sandbox saw running together.',
        '- The peer: `python3 py_iterparse_baseline.py URL USER PASSWORD TRUNCATION /dev/null` (each page to a ' +
            'file, then ElementTree `iterparse`, one JSON object per detection, written to /dev/null), on the ' +
            'same sandbox tenant, in the same round as our poll.',
        '- Both are measured the same way, by the kernel: wall time of the process, CPU time (user + system) and ' +
            "peak RSS (`getrusage` of the waited child). Detections/s divide each side's detections by its wall " +
            'time; the ratio is the median of the per-round ratios. Output bytes per finding is the JSONL written ' +
            'divided by the findings (KnowledgeBase and summary lines included).',
        '- The sandbox (`qualys-sandbox` CLI) runs in a process of its own on the same two cores, with a rate ' +
            `limit that never throttles; the fast server grants ${formatNumber(UNBOUNDED_CONCURRENCY)} calls at once, ` +
            'the slow one the limit it names.'
    );
    const variants = slow.filter(figures => Object.keys(figures.variant.settings).length > 0);
    if (variants.length > 0) {
        out.push(
            '- On the slow server each answer comes at a fixed pace, so its bytes bound the sync, and our poll asks ' +
                'for more per detection than the peer (API 5.0 lists, the Qualys Detection Score and its factors, ' +
                'cloud metadata). Each round there runs our poll with its default settings and again with ' +
                variants
                    .map(figures => `${figures.variant.name} (\`${describeSettings(figures.variant)}\`)`)
                    .join(', ') +
                ', and the peer once for both.'
        );
    }
    if (report.peerProblem !== undefined) out.push(`- **The peer did not run**: ${report.peerProblem}.`);
    out.push('');
    out.push(
        `## Fast server: ${formatNumber(options.hosts)} hosts × ${options.detections} detections, RESULTS ≈ ` +
            `${options.resultsSize} characters, seed ${options.seed}`,
        ''
    );
    out.push(
        figuresTable(
            fast.map(figures => ({ title: `truncationLimit ${formatNumber(figures.truncationLimit)}`, figures }))
        )
    );
    for (const figures of fast) out.push('', ...cpuBound(figures, machine.cpuCount));
    out.push('');
    if (slow.length > 0 && options.slow !== undefined) {
        const s = options.slow;
        out.push(
            `## Slow server: ${formatNumber(s.hosts)} hosts × ${s.detections} detections, each answer at ` +
                `${formatMB(s.bytesPerSec, 0)}/s, ${s.concurrencyLimit} concurrent calls per API`,
            ''
        );
        out.push(
            figuresTable(
                slow.map(figures => ({
                    title: `truncationLimit ${formatNumber(s.truncationLimit)}, ${figures.variant.name}`,
                    figures
                }))
            )
        );
        for (const figures of slow) out.push('', ...paceBound(figures, s.bytesPerSec, s.concurrencyLimit));
        out.push('');
    }
    out.push(...targetsSection(checks));
    return out.join('\n');
}

/**
 * What the server's pace alone allows on the slow server: our answers, read `concurrency` at a time at
 * `bytesPerSec` each, against the peer's measured time. With its default settings our poll asks for more per
 * detection than the peer (API 5.0 lists, QDS and its factors, cloud metadata), so this bound can sit below a target.
 */
export function paceBound(figures: ScenarioFigures, bytesPerSec: number, concurrency: number): string[] {
    if (!Number.isFinite(figures.peerResponseBytes) || figures.responseBytes <= 0) return [];
    const ourFloorMs = (figures.responseBytes / (bytesPerSec * concurrency)) * 1000;
    const peerFloorMs = (figures.peerResponseBytes / bytesPerSec) * 1000;
    return [
        `With ${figures.variant.name}: at ${formatMB(bytesPerSec, 0)}/s per answer, reading our poll's host ` +
            'detection answers ' +
            `(${formatMB(figures.responseBytes, 0)}) takes at least ${formatSeconds(ourFloorMs)} with ${concurrency} ` +
            `calls at once; the peer's (${formatMB(figures.peerResponseBytes, 0)}, one at a time) at least ` +
            `${formatSeconds(peerFloorMs)}. Against the peer's measured ${formatSeconds(figures.peerWallMs)}, the ` +
            `pace allows our poll at most **${formatTimes(figures.peerWallMs / ourFloorMs)}**.`
    ];
}

/**
 * What the CPU alone allows on the fast server, where the answers come as fast as they are read: our poll's CPU
 * time spread over every logical CPU, each busy the whole time and shared with nothing (the sandbox's share left
 * out), against the peer's measured rate. No poll finishes sooner than its CPU time over the CPUs, so this bounds
 * the ratio from above whatever the parallelism; it also says how much CPU a detection may take to reach the target.
 */
export function cpuBound(figures: ScenarioFigures, cpuCount: number): string[] {
    const cpuPerMillion = figures.cpuSecondsPerMillion;
    if (!(figures.peerPerSecond > 0) || !(cpuPerMillion > 0) || !(cpuCount >= 1)) return [];
    const peerWallPerMillion = 1e6 / figures.peerPerSecond;
    const ourFloorPerMillion = cpuPerMillion / cpuCount;
    return [
        `At truncationLimit ${formatNumber(figures.truncationLimit)}, our poll used ${formatNumber(cpuPerMillion, 1)} ` +
            `CPU seconds per million detections. Spread over all ${cpuCount} logical CPUs with nothing else running, ` +
            `that is at least ${formatNumber(ourFloorPerMillion, 1)} s of wall time per million; the peer took ` +
            `${formatNumber(peerWallPerMillion, 1)} s. The CPU allows our poll at most ` +
            `**${formatTimes(peerWallPerMillion / ourFloorPerMillion)}**; ${FAST_SERVER_RATIO_TARGET}x needs at most ` +
            `${formatNumber((peerWallPerMillion / FAST_SERVER_RATIO_TARGET) * cpuCount, 1)} CPU seconds per million ` +
            'detections.'
    ];
}

/** The `## Targets` section of a benchmark report: a table of the checks with their verdicts, and a count. */
export function targetsSection(checks: readonly TargetCheck[]): string[] {
    const missed = checks.filter(check => !check.met).length;
    return [
        '## Targets',
        '',
        markdownTable(
            ['what', 'target', 'measured', 'verdict'],
            checks.map(check => [check.what, check.target, check.measured, check.met ? 'met' : '**missed**'])
        ),
        '',
        `${checks.length - missed} of ${checks.length} target checks met.`,
        ''
    ];
}
