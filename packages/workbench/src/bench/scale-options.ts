import { parseArgs } from 'node:util';
import { parseDuration } from '@signal-connectors/connector-sdk';
import { integerListOption, integerOption } from './option-values.js';

/** How `npm run bench:scale` runs; see {@link SCALE_USAGE}. */
export interface ScaleOptions {
    /** Memory against tenant size; undefined when left out. */
    tenant: TenantScenarioOptions | undefined;
    /** The service with many instances; undefined when left out. */
    service: ServiceScenarioOptions | undefined;
    /** Approximate RESULTS characters per detection, in every tenant. */
    resultsSize: number;
    seed: number;
    /** Where the report goes; undefined = printed only. */
    resultsFile: string | undefined;
    keepTemp: boolean;
}

/** `signal-client poll` on a small and a large tenant, same detections per host, at each truncation limit. */
export interface TenantScenarioOptions {
    smallHosts: number;
    largeHosts: number;
    detectionsPerHost: number;
    /** The polls' `truncationLimit`s: a small and a large tenant at each. */
    truncationLimits: number[];
}

/** One `signal-client run` process polling instances spread over several sandboxes (subscriptions). */
export interface ServiceScenarioOptions {
    subscriptions: number;
    instancesPerSubscription: number;
    hostsPerSubscription: number;
    detectionsPerHost: number;
    /** The instances' `pollingInterval`, as written in the config (e.g. `2m`). */
    pollingInterval: string;
    /** The same, in milliseconds. */
    pollingIntervalMs: number;
    /** The process is stopped after this long even when some instance has not finished a poll. */
    deadlineMs: number;
    /** The config's `maxConcurrentPolls`; undefined = not written, the default a user gets. */
    maxConcurrentPolls: number | undefined;
}

/** Usage text of `npm run bench:scale -- --help`. */
export const SCALE_USAGE = `Usage: npm run bench:scale -- [options]

Two scenarios through the real CLI, each against sandboxes in processes of their own:
  tenant   signal-client poll (a first full sync, JSONL sink) on a small and on a large tenant with the same
           detections per host, at each truncation limit; prints the peak RSS of each and their ratio (memory must
           not grow with the tenant).
  service  one signal-client run process with many instances over several subscriptions (a sandbox each);
           prints when each instance finished its first poll, the detections delivered and the peak RSS.
Writes bench/SCALE.md. Needs python3 (it measures the poll processes).

Options:
  --only <tenant|service>      run one scenario only
  --small-hosts <n>            hosts of the small tenant (default 10000)
  --large-hosts <n>            hosts of the large tenant (default 100000)
  --detections <n>             detections per host in both tenants (default 5)
  --truncation <n[,n]>         truncationLimit of the tenant polls, one or more (default 1000,10000)
  --subscriptions <n>          sandboxes of the service scenario (default 5)
  --instances <n>              instances per subscription (default 10)
  --service-hosts <n>          hosts per subscription (default 720)
  --service-detections <n>     detections per host there (default 25: about 18,000 per subscription)
  --interval <duration>        pollingInterval of the service's instances (default 2m)
  --deadline <duration>        stop the service after this long at the latest (default 5m)
  --max-concurrent-polls <n>   write maxConcurrentPolls into the service's config (default: not written, so the
                               service's own default applies)
  --results-size <chars>       RESULTS text per detection (default 300)
  --seed <n>                   tenant seed (default 1)
  --results <file>             report file (default bench/SCALE.md); --results - prints only
  --keep-temp                  keep the temporary directory (configs, state, JSONL output, the service's log)
  -h, --help                   show this help`;

function duration(name: string, value: string | undefined, fallback: string): { text: string; ms: number } {
    const text = value ?? fallback;
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) throw new Error(`--${name} must be a duration such as 2m or 90s, got "${text}"`);
    return { text, ms };
}

/** Reads the options; returns undefined for `--help` and throws an Error whose message names a bad option. */
export function parseScaleOptions(
    argv: readonly string[],
    defaultResultsFile = 'bench/SCALE.md'
): ScaleOptions | undefined {
    const { values } = parseArgs({
        args: [...argv],
        strict: true,
        options: {
            only: { type: 'string' },
            'small-hosts': { type: 'string' },
            'large-hosts': { type: 'string' },
            detections: { type: 'string' },
            truncation: { type: 'string' },
            subscriptions: { type: 'string' },
            instances: { type: 'string' },
            'service-hosts': { type: 'string' },
            'service-detections': { type: 'string' },
            interval: { type: 'string' },
            deadline: { type: 'string' },
            'max-concurrent-polls': { type: 'string' },
            'results-size': { type: 'string' },
            seed: { type: 'string' },
            results: { type: 'string' },
            'keep-temp': { type: 'boolean', default: false },
            help: { type: 'boolean', short: 'h', default: false }
        }
    });
    if (values.help) return undefined;
    const only = values.only;
    if (only !== undefined && only !== 'tenant' && only !== 'service') {
        throw new Error(`--only must be "tenant" or "service", got "${only}"`);
    }
    const tenant: TenantScenarioOptions = {
        smallHosts: integerOption('small-hosts', values['small-hosts'], 10_000, 1),
        largeHosts: integerOption('large-hosts', values['large-hosts'], 100_000, 1),
        detectionsPerHost: integerOption('detections', values.detections, 5, 1),
        truncationLimits: integerListOption('truncation', values.truncation, [1000, 10_000], 1)
    };
    const interval = duration('interval', values.interval, '2m');
    const maxConcurrentPolls = values['max-concurrent-polls'];
    const service: ServiceScenarioOptions = {
        subscriptions: integerOption('subscriptions', values.subscriptions, 5, 1),
        instancesPerSubscription: integerOption('instances', values.instances, 10, 1),
        hostsPerSubscription: integerOption('service-hosts', values['service-hosts'], 720, 1),
        detectionsPerHost: integerOption('service-detections', values['service-detections'], 25, 1),
        pollingInterval: interval.text,
        pollingIntervalMs: interval.ms,
        deadlineMs: duration('deadline', values.deadline, '5m').ms,
        // The config schema's range.
        maxConcurrentPolls:
            maxConcurrentPolls === undefined
                ? undefined
                : integerOption('max-concurrent-polls', maxConcurrentPolls, 0, 1, 64)
    };
    const results = values.results ?? defaultResultsFile;
    return {
        tenant: only === 'service' ? undefined : tenant,
        service: only === 'tenant' ? undefined : service,
        resultsSize: integerOption('results-size', values['results-size'], 300, 0),
        seed: integerOption('seed', values.seed, 1, 0),
        resultsFile: results === '-' ? undefined : results,
        keepTemp: values['keep-temp'] === true
    };
}
