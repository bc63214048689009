import { parseArgs } from 'node:util';
import { integerListOption, integerOption } from './option-values.js';

/** How the ingestion benchmark runs; see {@link BENCH_USAGE}. */
export interface BenchOptions {
    /** Hosts of the tenant of the fast-server scenario. */
    hosts: number;
    /** Detections per host (the sandbox's `--detections-per-host`). */
    detections: number;
    /** Approximate RESULTS characters per detection (the sandbox's `--results-size`). */
    resultsSize: number;
    /** Seed of the synthetic tenants. */
    seed: number;
    /** Page sizes (`truncationLimit`) measured against the fast server, one configuration each. */
    truncationLimits: number[];
    /** Repetitions of every measurement; the median is reported. */
    runs: number;
    /** The slow-server scenario; undefined when left out. */
    slow: SlowServerOptions | undefined;
    quick: boolean;
    /** Where the report goes; undefined = do not write one (the `--quick` default). */
    resultsFile: string | undefined;
    /** The peer script, when not in its usual place (`../shared/bench/` beside the repository). */
    peerScript: string | undefined;
    keepTemp: boolean;
}

/** The slow-server scenario: a full sync against a sandbox that streams each answer at a fixed rate. */
export interface SlowServerOptions {
    hosts: number;
    detections: number;
    bytesPerSec: number;
    concurrencyLimit: number;
    truncationLimit: number;
}

/** Usage text of `npm run bench -- --help`. */
export const BENCH_USAGE = `Usage: npm run bench -- [options]

Runs the real CLI poll (signal-client poll to the JSONL sink, fsync per batch) and the peer
(../shared/bench/py_iterparse_baseline.py, Python's iterparse) on the same sandbox tenant, in one run, at each
page size; then both again against a slow server (each answer paced, a concurrency limit), our poll there with
its defaults and again asking for about what the peer asks (API 2.0 fields, no QDS, no cloud metadata). Prints
detections/s, the ratio to the peer, peak RSS, CPU seconds per million detections, bytes per finding and API
calls, medians of the runs, and writes bench/RESULTS.md. Needs python3.

Options (environment variable in brackets):
  --hosts <n>              hosts of the fast-server tenant (default 10000, a run of a few minutes; the issue's
                           tenant is 20000; --quick 2000) [BENCH_HOSTS]
  --detections <n>         detections per host (default 25) [BENCH_DETECTIONS]
  --results-size <chars>   RESULTS text per detection (default 300) [BENCH_RESULTS_SIZE]
  --seed <n>               tenant seed (default 1) [BENCH_SEED]
  --truncation <a,b>       page sizes measured (default 1000,10000) [BENCH_TRUNCATION]
  --runs <n>               repetitions of each measurement, median reported (default 3; --quick 1) [BENCH_RUNS]
  --slow-hosts <n>         hosts of the slow-server tenant, 0 leaves the scenario out (default 10000; --quick 1000)
  --slow-detections <n>    detections per host there (default 10)
  --slow-rate <bytes/s>    pace of each answer there (default 4000000)
  --slow-concurrency <n>   concurrent calls per API there (default 2)
  --slow-truncation <n>    page size there (default 1000)
  --results <file>         report file (default bench/RESULTS.md; --quick writes none unless given)
  --peer <file>            the peer script (default ../shared/bench/py_iterparse_baseline.py beside the
                           repository) [BENCH_PEER]
  --quick                  a fast check with small tenants, one run, report printed only
  --keep-temp              keep the temporary directory (configs, state, JSONL output)
  -h, --help               show this help`;

/**
 * Reads the options from the command line, falling back to `BENCH_*` environment variables, then defaults.
 * Returns undefined for `--help`; throws an Error whose message names the bad option.
 */
export function parseBenchOptions(
    argv: readonly string[],
    env: Readonly<Record<string, string | undefined>> = {},
    defaultResultsFile = 'bench/RESULTS.md'
): BenchOptions | undefined {
    const { values } = parseArgs({
        args: [...argv],
        strict: true,
        options: {
            hosts: { type: 'string' },
            detections: { type: 'string' },
            'results-size': { type: 'string' },
            seed: { type: 'string' },
            truncation: { type: 'string' },
            runs: { type: 'string' },
            'slow-hosts': { type: 'string' },
            'slow-detections': { type: 'string' },
            'slow-rate': { type: 'string' },
            'slow-concurrency': { type: 'string' },
            'slow-truncation': { type: 'string' },
            results: { type: 'string' },
            peer: { type: 'string' },
            quick: { type: 'boolean', default: false },
            'keep-temp': { type: 'boolean', default: false },
            help: { type: 'boolean', short: 'h', default: false }
        }
    });
    if (values.help) return undefined;
    const quick = values.quick === true;
    const truncationLimits = integerListOption(
        'truncation',
        values.truncation ?? env.BENCH_TRUNCATION,
        [1000, 10_000],
        1
    );
    const slowHosts = integerOption('slow-hosts', values['slow-hosts'], quick ? 1000 : 10_000, 0);
    return {
        hosts: integerOption('hosts', values.hosts ?? env.BENCH_HOSTS, quick ? 2000 : 10_000, 1),
        detections: integerOption('detections', values.detections ?? env.BENCH_DETECTIONS, 25, 1),
        resultsSize: integerOption('results-size', values['results-size'] ?? env.BENCH_RESULTS_SIZE, 300, 0),
        seed: integerOption('seed', values.seed ?? env.BENCH_SEED, 1, 0),
        truncationLimits: [...new Set(truncationLimits)],
        runs: integerOption('runs', values.runs ?? env.BENCH_RUNS, quick ? 1 : 3, 1),
        slow:
            slowHosts === 0
                ? undefined
                : {
                      hosts: slowHosts,
                      detections: integerOption('slow-detections', values['slow-detections'], 10, 1),
                      bytesPerSec: integerOption('slow-rate', values['slow-rate'], 4_000_000, 1),
                      concurrencyLimit: integerOption('slow-concurrency', values['slow-concurrency'], 2, 1),
                      truncationLimit: integerOption('slow-truncation', values['slow-truncation'], 1000, 1)
                  },
        quick,
        resultsFile: values.results ?? (quick ? undefined : defaultResultsFile),
        peerScript: values.peer ?? env.BENCH_PEER,
        keepTemp: values['keep-temp'] === true
    };
}
