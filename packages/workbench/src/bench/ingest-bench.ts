// `npm run bench`: the Qualys ingestion benchmark. See BENCH_USAGE and bench/RESULTS.md.
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killBenchChildren } from './bench-child.js';
import { type MeasureContext, measureAll, profilePipeline } from './bench-measurements.js';
import { BENCH_USAGE, type BenchOptions, parseBenchOptions } from './bench-options.js';
import { elapsedClock, formatNumber } from './bench-stats.js';
import { describeCode, describeMachine } from './machine-info.js';
import { type BenchReport, type ProfileReport, renderReport } from './results-report.js';
import { checkTargets } from './results-table.js';
import { type SandboxProcess, startSandboxProcess } from './sandbox-process.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const started = Date.now();

function log(text: string): void {
    console.log(`[${elapsedClock(started)}] ${text}`);
}

async function main(): Promise<number> {
    let options: BenchOptions | undefined;
    try {
        options = parseBenchOptions(process.argv.slice(2), process.env, join(REPO_ROOT, 'bench', 'RESULTS.md'));
    } catch (error) {
        console.error(`ingest-bench: ${(error as Error).message}\n\n${BENCH_USAGE}`);
        return 2;
    }
    if (options === undefined) {
        console.log(BENCH_USAGE);
        return 0;
    }
    const machine = describeMachine();
    // Taken now: others commit to this tree while the benchmark runs.
    const code = describeCode(REPO_ROOT);
    log(
        `ingestion benchmark: ${formatNumber(options.hosts)} hosts x ${options.detections} detections, truncationLimit ` +
            `${options.truncationLimits.join(' and ')}, ${options.runs} runs each, Node ${machine.node}`
    );
    const temp = await mkdtemp(join(tmpdir(), 'ingest-bench-'));
    let sandbox: SandboxProcess | undefined;
    const cleanUp = (): void => {
        killBenchChildren();
        sandbox?.stop();
        if (!options.keepTemp) rmSync(temp, { recursive: true, force: true });
    };
    const onSignal = (signal: NodeJS.Signals): void => {
        log(`${signal}: stopping`);
        cleanUp();
        process.exit(130);
    };
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    try {
        sandbox = await startSandboxProcess({
            hosts: options.hosts,
            detectionsPerHost: options.detections,
            resultsSize: options.resultsSize,
            seed: options.seed
        });
        log(`sandbox running in process ${sandbox.pid} at ${sandbox.url}`);
        // Only the address and credentials go to the children: the process handle cannot be sent.
        const { url, username, password } = sandbox;
        const ctx: MeasureContext = { options, sandbox: { url, username, password }, temp, repoRoot: REPO_ROOT, log };
        const { configs, xml2js } = await measureAll(ctx);
        const checks = checkTargets(configs, xml2js);
        const missed = checks.filter(check => !check.met);
        let profile: ProfileReport | undefined;
        if (options.profile === 'always' || (options.profile === 'auto' && missed.length > 0)) {
            profile = await profilePipeline(ctx, missed[0]?.truncationLimit ?? options.truncationLimits[0]);
        }
        const report: BenchReport = {
            date: new Date(started),
            durationMs: Date.now() - started,
            options,
            machine,
            code,
            configs,
            xml2js,
            checks,
            profile
        };
        const markdown = renderReport(report);
        console.log(`\n${markdown}`);
        if (options.resultsFile !== undefined) {
            const file = resolve(options.resultsFile);
            await mkdir(dirname(file), { recursive: true });
            await writeFile(file, markdown);
            log(`report written to ${file}`);
        } else log('no report written (--quick); pass --results <file> to write one');
        if (missed.length > 0) log(`${missed.length} target check(s) missed: see the Targets table`);
        return 0;
    } finally {
        cleanUp();
        if (options.keepTemp) log(`temporary files kept in ${temp}`);
    }
}

main().then(
    code => process.exit(code),
    (error: unknown) => {
        console.error(
            `ingest-bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
        );
        killBenchChildren();
        process.exit(1);
    }
);
