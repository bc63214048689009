import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBenchChild } from './bench-child.js';
import type { BenchOptions } from './bench-options.js';
import { formatMB, formatNumber, formatSeconds } from './bench-stats.js';
import { type CpuProfile, summariseCpuProfile } from './cpu-profile-summary.js';
import { captureHostDetectionPages, type CapturedPages } from './page-capture.js';
import type { ReplayMode, ReplayResult, ReplayTask } from './page-replay.js';
import { benchConnectorConfig, type PipelineResult, type PipelineTask, type SandboxEndpoint } from './pipeline-run.js';
import type { ProfileReport } from './results-report.js';
import { type ConfigRuns, pipelineMBps, replayMBps } from './results-table.js';

const PIPELINE_CHILD = fileURLToPath(new URL('./pipeline-child.js', import.meta.url));
const REPLAY_CHILD = fileURLToPath(new URL('./replay-child.js', import.meta.url));
const CHILD_TIMEOUT_MS = 30 * 60_000;

/** What every measuring step needs. */
export interface MeasureContext {
    options: BenchOptions;
    sandbox: SandboxEndpoint;
    /** Temporary directory for pages, sink output and profiles. */
    temp: string;
    /** Script paths in profiles are shown relative to this. */
    repoRoot: string;
    log: (text: string) => void;
}

/** The runs of every configuration and of the xml2js baseline. */
export interface Measurements {
    configs: ConfigRuns[];
    xml2js: ReplayResult[];
}

/** One end-to-end poll in its own process; a poll that does not succeed is a real failure of the benchmark. */
async function measurePipeline(
    ctx: MeasureContext,
    task: PipelineTask,
    label: string,
    execArgv: string[] = []
): Promise<PipelineResult> {
    await mkdir(task.workDir, { recursive: true });
    try {
        const result = await runBenchChild<PipelineTask, PipelineResult>(PIPELINE_CHILD, task, {
            execArgv,
            timeoutMs: CHILD_TIMEOUT_MS,
            onProgress: text => ctx.log(`  ${label}: ${text}`)
        });
        const stopped = task.stopAfterMs !== undefined && result.outcome === 'cancelled';
        if (result.outcome !== 'success' && !stopped)
            throw new Error(`${label}: poll ${result.outcome}: ${result.error}`);
        return result;
    } finally {
        // The sink output is large (about 2x the XML): never keep it past its run.
        await rm(task.workDir, { recursive: true, force: true });
    }
}

async function measureReplay(mode: ReplayMode, files: string[]): Promise<ReplayResult> {
    return runBenchChild<ReplayTask, ReplayResult>(REPLAY_CHILD, { mode, files }, { timeoutMs: CHILD_TIMEOUT_MS });
}

/** Every measurement, interleaved by round so slow phases of a noisy machine spread over all of them. */
export async function measureAll(ctx: MeasureContext): Promise<Measurements> {
    const { options, sandbox, temp, log } = ctx;
    const pages = new Map<number, CapturedPages>();
    for (const limit of options.truncationLimits) {
        const captured = await captureHostDetectionPages(
            benchConnectorConfig(sandbox, limit),
            join(temp, `pages-${limit}`)
        );
        pages.set(limit, captured);
        log(`captured ${captured.files.length} pages of ${limit} hosts: ${formatMB(captured.bytes)}`);
    }
    const configs: ConfigRuns[] = options.truncationLimits.map(limit => ({
        truncationLimit: limit,
        pipeline: [],
        tokenize: []
    }));
    const xml2js: ReplayResult[] = [];
    const filesOf = (limit: number): string[] => pages.get(limit)?.files ?? [];
    const firstPages = filesOf(options.truncationLimits[0]);
    const xml2jsFiles = options.xml2jsPages === 0 ? firstPages : firstPages.slice(0, options.xml2jsPages);
    for (let round = 1; round <= options.runs; round++) {
        for (const config of configs) {
            const label = `end-to-end ${config.truncationLimit} (run ${round}/${options.runs})`;
            const task = {
                sandbox,
                truncationLimit: config.truncationLimit,
                workDir: join(temp, `run-${round}-${config.truncationLimit}`)
            };
            const run = await measurePipeline(ctx, task, label);
            config.pipeline.push(run);
            log(
                `${label}: ${formatSeconds(run.wallMs)}, ${formatNumber(run.detections)} detections, ` +
                    `${formatNumber(pipelineMBps(run), 1)} MB/s, peak RSS ${formatMB(run.maxRssBytes, 0)}`
            );
        }
        for (const config of configs) {
            const run = await measureReplay('tokenize', filesOf(config.truncationLimit));
            config.tokenize.push(run);
            const label = `tokenize-only ${config.truncationLimit}-host pages (run ${round}/${options.runs})`;
            log(`${label}: ${formatNumber(replayMBps(run), 1)} MB/s`);
        }
        const run = await measureReplay('xml2js', xml2jsFiles);
        xml2js.push(run);
        const label = `xml2js ${configs[0].truncationLimit}-host pages (run ${round}/${options.runs})`;
        log(`${label}: ${formatNumber(replayMBps(run), 1)} MB/s, peak RSS ${formatMB(run.maxRssBytes, 0)}`);
    }
    checkConsistency(configs, pages, log);
    return { configs, xml2js };
}

/** Every run read the same tenant: a count that differs means a run lost or duplicated data. */
function checkConsistency(
    configs: readonly ConfigRuns[],
    pages: ReadonlyMap<number, CapturedPages>,
    log: (text: string) => void
): void {
    const runs = configs.flatMap(config => config.pipeline);
    const counts = new Set(runs.map(run => `${run.hosts} hosts, ${run.detections} detections`));
    if (counts.size !== 1) throw new Error(`runs read different data: ${[...counts].join(' / ')}`);
    for (const config of configs) {
        const captured = pages.get(config.truncationLimit)?.bytes ?? 0;
        for (const run of config.pipeline) {
            if (Math.abs(run.hldBytes - captured) <= captured * 0.01) continue;
            const pair = `${run.hldBytes} bytes, the captured pages have ${captured}`;
            log(
                `warning: a truncationLimit ${config.truncationLimit} run read ${pair}: the baselines read other bytes`
            );
        }
    }
}

/** A CPU profile of one poll (stopped after `profileSeconds`), summarised. */
export async function profilePipeline(ctx: MeasureContext, limit: number): Promise<ProfileReport> {
    const { options, sandbox, temp, log } = ctx;
    const dir = join(temp, 'profile');
    log(`profiling the pipeline (truncationLimit ${limit}) for ${options.profileSeconds} s`);
    const task = {
        sandbox,
        truncationLimit: limit,
        workDir: join(temp, 'profile-run'),
        stopAfterMs: options.profileSeconds * 1000
    };
    await measurePipeline(ctx, task, `profile ${limit}`, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const file = (await readdir(dir)).find(name => name.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error(`no .cpuprofile was written in ${dir}`);
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    return { truncationLimit: limit, summary: summariseCpuProfile(profile, 15, ctx.repoRoot) };
}
