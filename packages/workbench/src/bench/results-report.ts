import type { BenchOptions } from './bench-options.js';
import { formatNumber, formatPercent, formatSeconds } from './bench-stats.js';
import type { ProfileSummary } from './cpu-profile-summary.js';
import type { MachineInfo } from './machine-info.js';
import type { ReplayResult } from './page-replay.js';
import {
    type ConfigRuns,
    markdownTable,
    pipelineTable,
    type TargetCheck,
    targetTable,
    throughputTable
} from './results-table.js';

/** A CPU profile of one end-to-end poll, summarised. */
export interface ProfileReport {
    truncationLimit: number;
    summary: ProfileSummary;
}

/** Everything a benchmark run found. */
export interface BenchReport {
    date: Date;
    durationMs: number;
    options: BenchOptions;
    machine: MachineInfo;
    /** The code measured (commit and uncommitted changes), when known. */
    code?: string;
    configs: ConfigRuns[];
    xml2js: ReplayResult[];
    checks: TargetCheck[];
    profile?: ProfileReport;
}

/** The report as markdown (bench/RESULTS.md); the console shows the same text. */
export function renderReport(report: BenchReport): string {
    const { options, machine } = report;
    const missed = report.checks.filter(check => !check.met);
    const sections = [
        '# Ingestion benchmark',
        `Run on ${report.date.toISOString().replace(/\.\d{3}Z$/, 'Z')} by \`npm run bench${commandLine(options)}\`, ` +
            `in ${formatSeconds(report.durationMs)}. Every figure is the **median of ${options.runs} runs** ` +
            '(min–max in brackets where shown): other work shares this machine, so single runs are noisy.',
        '## Parameters',
        bullets([
            `Synthetic tenant (plugin sandbox): ${formatNumber(options.hosts)} hosts × ${options.detections} detections ` +
                `per host, RESULTS ≈ ${options.resultsSize} characters per detection, seed ${options.seed}.`,
            `Connector configuration: defaults (KB enrichment on, scans on, RESULTS included, every status) with ` +
                `truncationLimit ${options.truncationLimits.map(limit => formatNumber(limit)).join(' and ')}.`,
            `Sandbox limits: 1,000,000 calls / 3600 s and 1000 concurrent calls per endpoint (never throttles).`,
            `Code measured: ${report.code ?? 'unknown (not a git checkout)'}.`
        ]),
        '## Machine',
        bullets([
            `CPU: ${machine.cpuModel}, ${machine.cpuCount} logical CPUs`,
            `Memory: ${formatNumber(machine.memoryBytes / 2 ** 30, 1)} GiB`,
            `OS: ${machine.os}`,
            `Node.js: ${machine.node}`,
            `1-minute load average at start: ${formatNumber(machine.loadAverage, 2)}`
        ]),
        '## Method',
        bullets(method(report)),
        '## End to end',
        pipelineTable(report.configs),
        '## Throughput against the baselines (MB/s of host detection XML)',
        throughputTable(report.configs, report.xml2js),
        '## Targets',
        targetTable(report.checks),
        missed.length === 0
            ? 'Every target is met.'
            : `${missed.length} of ${report.checks.length} target checks missed.`
    ];
    if (report.profile !== undefined) sections.push(...profileSections(report.profile));
    return sections.join('\n\n') + '\n';
}

/** How the numbers were taken. */
function method(report: BenchReport): string[] {
    const first = report.configs[0];
    const limit = formatNumber(first?.truncationLimit ?? 0);
    const parsed = report.xml2js[0]?.pages ?? 0;
    const available = first?.tokenize[0]?.pages ?? 0;
    const xml2jsPages = parsed === available ? `all ${available}` : `the first ${parsed} of the ${available}`;
    return [
        'Pipeline: the sandbox (`qualys-sandbox` CLI) runs in its own process and serves HTTP on loopback; the ' +
            'pipeline runs in a fresh child process per run (so `process.resourceUsage().maxRSS` is its own): ' +
            'the real `PollRunner` with the real `SqliteStateStore` and `JsonlSink` (fsync per batch) in a temporary ' +
            'directory, i.e. `connector.poll` -> `sink.write` -> `state.commitCheckpoint` for every batch, a first ' +
            "(full) poll from an empty state. The connector is the plugin's `QualysConnector` with the SDK's " +
            '`GotHttpClientFactory`, in a context from the SDK testing kit (`createTestContext`).',
        'Wall time is the whole poll (KnowledgeBase and scan calls included); MB/s is host detection response ' +
            'bytes (counted as the connector read them) per second of wall time; MB = 10^6 bytes, RSS included. ' +
            'MB per CPU-second divides the same bytes by the CPU time (user + system) of the measuring process ' +
            '(the pipeline process alone, not the sandbox): it is less disturbed by other work on the machine. ' +
            'The targets are checked on the wall-time medians.',
        'Baselines replay the same bytes: the host detection pages are downloaded once per page size with the ' +
            "parameters the poller sends, into files. Tokenize-only streams each page file through the plugin's " +
            "`tokenizeOnly` (UTF-8 decoding, forbidden-character clean-up, the plugin's XML tokenizer with empty " +
            'handlers). xml2js parses each page with `parseStringPromise` (default options) from a string read ' +
            `beforehand (the parse alone is timed), on ${xml2jsPages} ${limit}-host pages (bytes the truncationLimit ` +
            `${limit} runs read; \`--xml2js-pages\` sets how many) and not on larger pages, which are hundreds of ` +
            'MB as one string.',
        'Runs are interleaved (each round measures every configuration and baseline once), each in a new process.'
    ];
}

/** `where the time goes`: the profile's areas and top functions. */
function profileSections(profile: ProfileReport): string[] {
    const { summary } = profile;
    const ms = (value: number): string => formatNumber(value, 0);
    // Areas under 0.5% are summed in one row: a long tail of zeros says nothing.
    const major = summary.areas.filter(area => area.share >= 0.005);
    const minor = summary.areas.filter(area => area.share < 0.005);
    return [
        '## Where the time goes',
        `CPU profile (\`node --cpu-prof\`) of the end-to-end pipeline process, truncationLimit ` +
            `${formatNumber(profile.truncationLimit)}, a poll of ${formatSeconds(summary.totalMs)} (profiled ` +
            `separately, not one of the measured runs): busy ${formatSeconds(summary.busyMs)}, idle (waiting for ` +
            `the sandbox or for fsync) ${formatSeconds(summary.idleMs)}. Shares are of the busy time; self time ` +
            'of a function includes the callees V8 inlined into it. ' +
            leadingAreas(summary),
        markdownTable(
            ['area', 'self time', 'share'],
            [
                ...major.map(area => [area.name, `${ms(area.selfMs)} ms`, formatPercent(area.share)]),
                [`${minor.length} other areas`, `${ms(minor.reduce((sum, area) => sum + area.selfMs, 0))} ms`, '']
            ]
        ),
        markdownTable(
            ['function', 'location', 'area', 'self time', 'share'],
            summary.functions.map(entry => [
                `\`${entry.name}\``,
                entry.location === '' ? '' : `\`${entry.location}\``,
                entry.area,
                `${ms(entry.selfMs)} ms`,
                formatPercent(entry.share)
            ])
        )
    ];
}

/** One sentence naming the three largest areas, so the table need not be read to know where to look. */
function leadingAreas(summary: ProfileSummary): string {
    const top = summary.areas.slice(0, 3).map(area => `${area.name} (${formatPercent(area.share)})`);
    return `Most of the busy time goes to ${top.join(', ')}.`;
}

function bullets(items: readonly string[]): string {
    return items.map(item => `- ${item}`).join('\n');
}

/** The options that differ from the defaults, as command-line flags. */
function commandLine(options: BenchOptions): string {
    const flags: string[] = [];
    if (options.quick) flags.push('--quick');
    if (options.hosts !== (options.quick ? 2000 : 20_000)) flags.push(`--hosts ${options.hosts}`);
    if (options.detections !== 25) flags.push(`--detections ${options.detections}`);
    if (options.resultsSize !== 300) flags.push(`--results-size ${options.resultsSize}`);
    if (options.runs !== 3) flags.push(`--runs ${options.runs}`);
    if (options.xml2jsPages !== 10) flags.push(`--xml2js-pages ${options.xml2jsPages}`);
    return flags.length === 0 ? '' : ` -- ${flags.join(' ')}`;
}
