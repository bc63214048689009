import { parseArgs } from 'node:util';

/** How the ingestion benchmark runs; see {@link BENCH_USAGE}. */
export interface BenchOptions {
    /** Hosts of the synthetic tenant. */
    hosts: number;
    /** Detections per host (the sandbox's `--detections-per-host`). */
    detections: number;
    /** Approximate RESULTS characters per detection (the sandbox's `--results-size`). */
    resultsSize: number;
    /** Seed of the synthetic tenant. */
    seed: number;
    /** Page sizes (`truncationLimit`) measured end to end, one configuration each. */
    truncationLimits: number[];
    /** Repetitions of every measurement; the median is reported. */
    runs: number;
    /** Host detection pages (of the first page size) the xml2js baseline parses; 0 = all of them. */
    xml2jsPages: number;
    /** `auto`: profile when a target is missed; `always`; `never`. */
    profile: 'auto' | 'always' | 'never';
    /** Seconds of a profiled poll (stopped at a batch boundary afterwards). */
    profileSeconds: number;
    quick: boolean;
    /** Where the report goes; undefined = do not write one (the `--quick` default). */
    resultsFile: string | undefined;
    keepTemp: boolean;
}

/** Usage text of `npm run bench -- --help`. */
export const BENCH_USAGE = `Usage: npm run bench -- [options]

Measures Qualys host detection ingestion end to end (sandbox over loopback HTTP -> streaming parse -> OCSF ->
JSONL sink with fsync -> checkpoint commit) against xml2js and a tokenize-only pass, and writes bench/RESULTS.md.

Options (environment variable in brackets):
  --hosts <n>              tenant hosts (default 20000; --quick 2000) [BENCH_HOSTS]
  --detections <n>         detections per host (default 25) [BENCH_DETECTIONS]
  --results-size <chars>   RESULTS text per detection (default 300, the sandbox default) [BENCH_RESULTS_SIZE]
  --seed <n>               tenant seed (default 1) [BENCH_SEED]
  --truncation <a,b>       page sizes measured (default 1000,10000) [BENCH_TRUNCATION]
  --runs <n>               repetitions of each measurement, median reported (default 3) [BENCH_RUNS]
  --xml2js-pages <n>       pages the xml2js baseline parses, 0 = all (default 10, to keep a run near 10 minutes)
                           [BENCH_XML2JS_PAGES]
  --profile <mode>         auto | always | never: CPU profile of the pipeline (default auto: when a target is missed)
  --profile-seconds <n>    length of the profiled poll (default 20)
  --results <file>         report file (default bench/RESULTS.md; --quick writes none unless given)
  --quick                  a fast check: 2000 hosts, report printed only
  --keep-temp              keep the temporary directory (pages, sink output, profiles)
  -h, --help               show this help`;

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${value}"`);
    return n;
}

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
            'xml2js-pages': { type: 'string' },
            profile: { type: 'string' },
            'profile-seconds': { type: 'string' },
            results: { type: 'string' },
            quick: { type: 'boolean', default: false },
            'keep-temp': { type: 'boolean', default: false },
            help: { type: 'boolean', short: 'h', default: false }
        }
    });
    if (values.help) return undefined;
    const quick = values.quick === true;
    const profile = values.profile ?? 'auto';
    if (profile !== 'auto' && profile !== 'always' && profile !== 'never') {
        throw new Error(`--profile must be auto, always or never, got "${profile}"`);
    }
    const truncation = (values.truncation ?? env.BENCH_TRUNCATION ?? '1000,10000').split(',');
    const truncationLimits = truncation.map(part => integer('truncation', part.trim(), NaN, 1));
    return {
        hosts: integer('hosts', values.hosts ?? env.BENCH_HOSTS, quick ? 2000 : 20_000, 1),
        detections: integer('detections', values.detections ?? env.BENCH_DETECTIONS, 25, 1),
        resultsSize: integer('results-size', values['results-size'] ?? env.BENCH_RESULTS_SIZE, 300, 0),
        seed: integer('seed', values.seed ?? env.BENCH_SEED, 1, 0),
        truncationLimits: [...new Set(truncationLimits)],
        runs: integer('runs', values.runs ?? env.BENCH_RUNS, 3, 1),
        xml2jsPages: integer('xml2js-pages', values['xml2js-pages'] ?? env.BENCH_XML2JS_PAGES, 10, 0),
        profile,
        profileSeconds: integer('profile-seconds', values['profile-seconds'], 20, 1),
        quick,
        resultsFile: values.results ?? (quick ? undefined : defaultResultsFile),
        keepTemp: values['keep-temp'] === true
    };
}
