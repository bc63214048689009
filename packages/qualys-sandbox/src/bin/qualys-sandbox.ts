#!/usr/bin/env node
// Starts a Qualys-compatible sandbox API server on loopback for demos, end-to-end tests and benchmarks.
import { parseArgs } from 'node:util';
import { QualysSandbox, type SandboxOptions } from '../index.js';

const USAGE = `Usage: qualys-sandbox [options]

Serves the Qualys VM API (host detections, KnowledgeBase, scan list, about.php) and the gateway's token
login (POST /auth) over a synthetic tenant on 127.0.0.1. Control routes live under /__sandbox/ (state, advance, faults, expected, requests, limits).

Options:
  --port <n>                 port to listen on (default 0: any free port)
  --hosts <n>                number of hosts (default 50)
  --detections-per-host <n>  detections per host before any advance (default 10)
  --results-size <bytes>     approximate RESULTS size per detection (default 300; 0 omits RESULTS)
  --seed <n>                 seed of all generated data (default 1)
  --username <name>          Basic-auth user (default sandbox_user)
  --password <secret>        Basic-auth password (default sandbox-password)
  --rate-limit <n>[/<sec>]   calls per window per endpoint, optionally with the window (default 300/3600)
  --concurrency-limit <n>    concurrent calls per endpoint (default 2)
  --first-host-id <n>        id of the first host (default 118220000)
  --start-time <date>        tenant clock start, e.g. 2024-05-14T08:00:00Z
  --wall-clock               follow the real clock: start now, advance to now
  --scans <n>                number of scans (default 12)
  --advance-every <sec>      advance the tenant clock by one hour every <sec> real seconds
  --bytes-per-sec <n>        stream each API answer at n bytes per second at most (a slow server); default: unpaced
  --token-lifetime <sec>     lifetime of gateway tokens from POST /auth (default 14400: four hours)
  --no-basic-auth            refuse Basic credentials: only gateway tokens are accepted
  --json                     print one JSON line {url, username, password} instead of text
  -h, --help                 show this help`;

function integer(name: string, value: string | undefined, min = 0): number | undefined {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${value}"`);
    return n;
}

function parseOptions(argv: string[]): { options: SandboxOptions; advanceEvery?: number; json: boolean } | undefined {
    const { values } = parseArgs({
        args: argv,
        strict: true,
        options: {
            port: { type: 'string' },
            hosts: { type: 'string' },
            'detections-per-host': { type: 'string' },
            'results-size': { type: 'string' },
            seed: { type: 'string' },
            username: { type: 'string' },
            password: { type: 'string' },
            'rate-limit': { type: 'string' },
            'concurrency-limit': { type: 'string' },
            'first-host-id': { type: 'string' },
            'start-time': { type: 'string' },
            'wall-clock': { type: 'boolean' },
            scans: { type: 'string' },
            'advance-every': { type: 'string' },
            'bytes-per-sec': { type: 'string' },
            'token-lifetime': { type: 'string' },
            'no-basic-auth': { type: 'boolean' },
            json: { type: 'boolean', default: false },
            help: { type: 'boolean', short: 'h', default: false }
        }
    });
    if (values.help) return undefined;
    const [limit, windowSec] = (values['rate-limit'] ?? '').split('/');
    const startTime = values['start-time'] === undefined ? undefined : new Date(values['start-time']);
    if (startTime && Number.isNaN(startTime.getTime()))
        throw new Error(`--start-time is not a date: ${values['start-time']}`);
    const options: SandboxOptions = {
        port: integer('port', values.port),
        hosts: integer('hosts', values.hosts),
        detectionsPerHost: integer('detections-per-host', values['detections-per-host']),
        resultsSize: integer('results-size', values['results-size']),
        seed: integer('seed', values.seed),
        username: values.username,
        password: values.password,
        rateLimit: {
            limit: integer('rate-limit', limit || undefined, 1),
            windowSec: integer('rate-limit', windowSec, 1),
            concurrency: integer('concurrency-limit', values['concurrency-limit'], 1)
        },
        firstHostId: integer('first-host-id', values['first-host-id'], 1),
        startTime,
        wallClock: values['wall-clock'] === true,
        scans: integer('scans', values.scans),
        bytesPerSec: integer('bytes-per-sec', values['bytes-per-sec'], 1),
        tokenLifetimeSec: integer('token-lifetime', values['token-lifetime'], 1),
        basicAuth: values['no-basic-auth'] !== true
    };
    // Drop unset keys so library defaults apply.
    options.rateLimit = Object.fromEntries(Object.entries(options.rateLimit ?? {}).filter(([, v]) => v !== undefined));
    return { options, advanceEvery: integer('advance-every', values['advance-every'], 1), json: values.json };
}

async function main(): Promise<void> {
    let parsed: ReturnType<typeof parseOptions>;
    try {
        parsed = parseOptions(process.argv.slice(2));
    } catch (error) {
        console.error(`qualys-sandbox: ${(error as Error).message}\n\n${USAGE}`);
        process.exit(2);
    }
    if (!parsed) {
        console.log(USAGE);
        return;
    }
    const sandbox = await QualysSandbox.start(parsed.options);
    const { username, password } = sandbox.credentials;
    if (parsed.json) {
        console.log(JSON.stringify({ url: sandbox.url, username, password }));
    } else {
        const state = sandbox.tenant.state();
        console.log(`Qualys sandbox listening on ${sandbox.url}`);
        console.log(`  username: ${username}`);
        console.log(`  password: ${password}`);
        console.log(`  tenant:   ${state.hosts} hosts x ${state.detectionsPerHost} detections, clock ${state.now}`);
        console.log(
            `  try:      curl -u '${username}:${password}' -H 'X-Requested-With: curl' '${sandbox.url}/api/2.0/fo/asset/host/vm/detection/?action=list&truncation_limit=10'`
        );
        console.log(`  admin:    ${sandbox.url}/__sandbox/state`);
    }
    const timer = parsed.advanceEvery
        ? setInterval(() => {
              const result = sandbox.tenant.advance();
              if (!parsed.json)
                  console.log(`advanced to ${result.now.toISOString()}: ${result.rescannedHosts} hosts re-scanned`);
          }, parsed.advanceEvery * 1000)
        : undefined;
    let stopping = false;
    const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        if (timer) clearInterval(timer);
        if (!parsed.json) console.log(`${signal} received, stopping`);
        void sandbox.close().then(() => process.exit(0));
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
}

void main();
