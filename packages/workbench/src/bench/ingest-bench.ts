// `npm run bench`: our CLI poll against the peer on the same sandbox tenant. See BENCH_USAGE and bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_USAGE, type BenchOptions, parseBenchOptions } from './bench-options.js';
import { type BenchReport, renderReport } from './bench-report.js';
import { elapsedClock, formatNumber, formatSeconds } from './bench-stats.js';
import { describeCode, describeMachine } from './machine-info.js';
import { peerProblem, peerScriptPath, runPeer } from './peer-run.js';
import { runPoll, type SandboxEndpoint } from './poll-run.js';
import { DEFAULT_SETTINGS, PEER_DETAIL, type PollVariant } from './poll-variants.js';
import { type SandboxProcess, type SandboxTenant, startSandboxProcess, takeSandboxCounts } from './sandbox-process.js';
import type { ScenarioRuns } from './scenario-figures.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** One poll or peer run may take this long before it counts as hung. */
const RUN_TIMEOUT_MS = 30 * 60_000;
const started = Date.now();

function log(text: string): void {
    console.log(`[${elapsedClock(started)}] ${text}`);
}

/** Python runs the peer and measures both sides; without it the benchmark cannot measure anything. */
function checkPython(): void {
    try {
        execFileSync('python3', ['--version'], { stdio: 'ignore' });
    } catch {
        throw new Error('python3 is needed (it measures both processes and runs the peer): install Python 3');
    }
}

/** What one server's scenario measures: a name for its logs and work folders, its page sizes, our poll's variants. */
interface ScenarioPlan {
    label: string;
    truncationLimits: readonly number[];
    variants: readonly PollVariant[];
}

/** What every scenario of a run shares. */
interface BenchContext {
    options: BenchOptions;
    /** Undefined when the peer cannot run. */
    peerScript: string | undefined;
    /** The run's temporary folder. */
    temp: string;
}

/**
 * Runs `rounds` rounds on one sandbox: each round, for every page size, our poll once per variant, then the peer
 * once for all of them, so both sides meet the same tenant and the same moment's machine load. Returns the runs
 * of each page size and variant, in that order.
 */
async function measureScenario(
    sandbox: SandboxEndpoint,
    { label, truncationLimits, variants }: ScenarioPlan,
    { options, peerScript, temp }: BenchContext
): Promise<ScenarioRuns[]> {
    const runsByLimit: ScenarioRuns[][] = truncationLimits.map(truncationLimit =>
        variants.map(variant => ({
            truncationLimit,
            variant,
            polls: [],
            peers: [],
            refusals: [],
            peakHostDetectionCalls: [],
            hostDetectionBytes: [],
            peerHostDetectionBytes: []
        }))
    );
    for (let round = 1; round <= options.runs; round++) {
        for (const scenarios of runsByLimit) {
            const limit = scenarios[0].truncationLimit;
            for (const [index, scenario] of scenarios.entries()) {
                const workDir = join(temp, `${label}-${limit}-${index}-${round}`);
                await takeSandboxCounts(sandbox);
                const poll = await runPoll(sandbox, limit, workDir, RUN_TIMEOUT_MS, scenario.variant.settings);
                const counts = await takeSandboxCounts(sandbox);
                scenario.refusals.push(counts.refusals);
                scenario.peakHostDetectionCalls.push(counts.peakHostDetectionCalls);
                scenario.hostDetectionBytes.push(counts.hostDetectionBytes);
                scenario.polls.push(poll);
                // The output is gigabytes: only its size was needed.
                if (!options.keepTemp) await rm(join(workDir, 'data'), { recursive: true, force: true });
                const named = variants.length > 1 ? ` (${scenario.variant.name})` : '';
                log(
                    `${label} truncationLimit ${limit} round ${round}: poll${named} ${formatSeconds(poll.wallMs)}, ` +
                        `${formatNumber(poll.detections / (poll.wallMs / 1000))} detections/s, ` +
                        `peak RSS ${formatNumber(poll.maxRssBytes / 1e6)} MB (load ${formatNumber(loadavg()[0], 2)})`
                );
            }
            if (peerScript !== undefined) {
                const peer = await runPeer(peerScript, sandbox, limit, temp, RUN_TIMEOUT_MS);
                const bytes = (await takeSandboxCounts(sandbox)).hostDetectionBytes;
                for (const scenario of scenarios) {
                    scenario.peers.push(peer);
                    scenario.peerHostDetectionBytes.push(bytes);
                }
                log(
                    `${label} truncationLimit ${limit} round ${round}: peer ${formatSeconds(peer.wallMs)}, ` +
                        `${formatNumber(peer.detections / (peer.wallMs / 1000))} detections/s`
                );
            }
        }
    }
    return runsByLimit.flat();
}

async function withSandbox<T>(tenant: SandboxTenant, work: (sandbox: SandboxEndpoint) => Promise<T>): Promise<T> {
    let sandbox: SandboxProcess | undefined;
    try {
        sandbox = await startSandboxProcess(tenant);
        log(`sandbox running in process ${sandbox.pid} at ${sandbox.url}`);
        const { url, username, password } = sandbox;
        return await work({ url, username, password });
    } finally {
        sandbox?.stop();
    }
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
    checkPython();
    const machine = describeMachine();
    const code = describeCode(REPO_ROOT);
    const script = options.peerScript === undefined ? peerScriptPath(REPO_ROOT) : resolve(options.peerScript);
    const problem = peerProblem(script);
    if (problem !== undefined) log(`NOTE: ${problem}`);
    const peerScript = problem === undefined ? script : undefined;
    log(
        `ingestion benchmark: ${formatNumber(options.hosts)} hosts x ${options.detections} detections at ` +
            `truncationLimit ${options.truncationLimits.join(' and ')}, ${options.runs} run(s) each, Node ` +
            `${machine.node}, load ${formatNumber(machine.loadAverage, 2)}`
    );
    const temp = await mkdtemp(join(tmpdir(), 'ingest-bench-'));
    const keep = options.keepTemp;
    const onSignal = (signal: NodeJS.Signals): void => {
        log(`${signal}: stopping`);
        if (!keep) rmSync(temp, { recursive: true, force: true });
        process.exit(130);
    };
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    try {
        const tenant = { resultsSize: options.resultsSize, seed: options.seed };
        const context: BenchContext = { options, peerScript, temp };
        const fast = await withSandbox(
            { ...tenant, hosts: options.hosts, detectionsPerHost: options.detections },
            sandbox =>
                measureScenario(
                    sandbox,
                    { label: 'fast', truncationLimits: options.truncationLimits, variants: [DEFAULT_SETTINGS] },
                    context
                )
        );
        const slowOptions = options.slow;
        const slow =
            slowOptions === undefined
                ? []
                : await withSandbox(
                      {
                          ...tenant,
                          hosts: slowOptions.hosts,
                          detectionsPerHost: slowOptions.detections,
                          bytesPerSec: slowOptions.bytesPerSec,
                          concurrencyLimit: slowOptions.concurrencyLimit
                      },
                      sandbox =>
                          measureScenario(
                              sandbox,
                              {
                                  label: 'slow',
                                  truncationLimits: [slowOptions.truncationLimit],
                                  variants: [DEFAULT_SETTINGS, PEER_DETAIL]
                              },
                              context
                          )
                  );
        const report: BenchReport = {
            date: new Date(started),
            durationMs: Date.now() - started,
            options,
            machine,
            loadAtEnd: loadavg()[0],
            code,
            peerProblem: problem,
            fast,
            slow
        };
        const markdown = renderReport(report);
        console.log(`\n${markdown}`);
        if (options.resultsFile !== undefined) {
            const file = resolve(options.resultsFile);
            await mkdir(dirname(file), { recursive: true });
            await writeFile(file, markdown);
            log(`report written to ${file}`);
        } else log('no report written (--quick); pass --results <file> to write one');
        return 0;
    } finally {
        if (keep) log(`temporary files kept in ${temp}`);
        else rmSync(temp, { recursive: true, force: true });
    }
}

main().then(
    exitCode => process.exit(exitCode),
    (error: unknown) => {
        console.error(`ingest-bench failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
    }
);
