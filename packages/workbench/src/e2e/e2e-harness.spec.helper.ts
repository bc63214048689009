import { appendFile, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import type { Artifact } from '@signal-connectors/connector-sdk';
import type { HostDetectionsCheckpoint } from '@signal-connectors/qualys-plugin';
import { type DetectionFilter, QualysSandbox, type SandboxOptions } from '@signal-connectors/qualys-sandbox';
import { loadCompactOcsfClass } from '../ocsf/compact-ocsf-class.js';
import { OcsfValidator } from '../ocsf/ocsf-validator.js';
import {
    expectedKeys,
    findingKeys,
    readArtifacts,
    runCli,
    startCli,
    tempDir,
    writeTestConfig,
    type CliProcess,
    type CliResult
} from './cli-process.spec.helper.js';

/** Checks findings against OCSF 1.5.0 Vulnerability Finding (the committed compact class). */
const OCSF_1_5_0 = new OcsfValidator(loadCompactOcsfClass());

/** Findings the e2e scenes wrote and checked against OCSF 1.5.0, and the problems found, over the whole run. */
export const ocsfTally = { findings: 0, problems: 0 };

// A root hook (this module loads once, at the root): the suite's figure, printed after the last scene.
after(() => {
    if (ocsfTally.findings === 0) return;
    console.log(
        `\n  OCSF 1.5.0: ${ocsfTally.findings.toLocaleString('en')} findings of the e2e scenes checked, ` +
            `${ocsfTally.problems} problems`
    );
});

/** The OCSF 1.5.0 problems of each finding among `artifacts`, as `artifact id: path message` lines. */
export function ocsfProblems(artifacts: readonly Artifact<Record<string, unknown>>[]): {
    findings: number;
    problems: string[];
} {
    const findings = artifacts.filter(artifact => artifact.type === FINDING_TYPE);
    const problems = findings.flatMap(finding =>
        OCSF_1_5_0.validate(finding.data).map(problem => `${finding.id}: ${problem.path} ${problem.message}`)
    );
    return { findings: findings.length, problems };
}

/** The instance every e2e config configures (the id `writeTestConfig` writes). */
export const INSTANCE_ID = 'qualys-test';

/** Artifact types the Qualys connector writes. */
export const FINDING_TYPE = 'ocsf.vulnerability_finding';
export const RUN_SUMMARY_TYPE = 'qualys.run_summary';

/** The run summary fields the e2e suite reads (the plugin does not export its `RunSummary` type). */
export interface RunSummaryData {
    runId: string;
    outcome: 'complete' | 'partial' | 'failed';
    streams: Record<string, { outcome: 'complete' | 'failed' | 'skipped'; error?: { kind: string; message: string } }>;
    window?: { after?: string; before: string };
    resumedFrom?: {
        nextIdMin?: number;
        ranges?: { idMin?: number; idMax?: number; nextIdMin?: number; done?: boolean }[];
    };
    pages: number;
    hosts: number;
    detections: number;
    throttled: number;
    retries: number;
    apiCalls: Record<string, number>;
    watermark?: string;
    nextWatermark?: string;
    error?: { kind: string; message: string };
}

/** Options of {@link E2eEnvironment.start}. */
export interface E2eOptions {
    /** Tenant, limits and auth of the sandbox; it always follows the wall clock. Default 60 hosts x 6 detections. */
    sandbox?: Omit<SandboxOptions, 'wallClock' | 'password'>;
    /** Hosts per host detection page (default 20, so a default tenant takes 3 pages). */
    truncationLimit?: number;
    /** Extra connector settings, written as YAML scalars under the instance's `settings`. */
    settings?: Record<string, string | number | boolean>;
    /** The password the instance is given through `QUALYS_PASSWORD` (default: the sandbox's). */
    configuredPassword?: string;
}

/**
 * One e2e scene: a Qualys sandbox on loopback (wall clock, a distinctive password), a temporary directory with a
 * `signal-client.yaml` whose single instance points at it, and the real `signal-client` CLI run in child processes
 * against that directory. `close` stops the sandbox and removes the directory.
 */
export class E2eEnvironment {
    /** The password the sandbox accepts; distinctive, so a leak is easy to spot. */
    static readonly PASSWORD = 'E2e-Qu4lys-Pa55w0rd-Vx7Kq';

    private constructor(
        readonly sandbox: QualysSandbox,
        /** The temporary working directory of every CLI run (holds the config). */
        readonly cwd: string,
        /** The environment of every CLI run. */
        readonly env: Record<string, string>,
        private readonly removeDir: () => Promise<void>
    ) {}

    /** Starts the sandbox and writes the config. */
    static async start(options: E2eOptions = {}): Promise<E2eEnvironment> {
        const sandbox = await QualysSandbox.start({
            hosts: 60,
            detectionsPerHost: 6,
            resultsSize: 80,
            ...options.sandbox,
            password: E2eEnvironment.PASSWORD,
            wallClock: true
        });
        const dir = await tempDir('signal-e2e');
        const config = await writeTestConfig(dir.path, {
            sandboxUrl: sandbox.url,
            username: sandbox.credentials.username,
            truncationLimit: options.truncationLimit ?? 20
        });
        // `settings` is the last block `writeTestConfig` writes, so extra settings can simply follow it.
        const extra = Object.entries(options.settings ?? {}).map(([name, value]) => `      ${name}: ${value}`);
        if (extra.length > 0) await appendFile(config, `${extra.join('\n')}\n`);
        const env = { QUALYS_PASSWORD: options.configuredPassword ?? sandbox.credentials.password };
        return new E2eEnvironment(sandbox, dir.path, env, dir.remove);
    }

    /** The configured data directory: state database and JSONL artifacts. */
    get dataDir(): string {
        return join(this.cwd, 'data');
    }

    /** Where the JSONL sink writes this instance's day files. */
    get artifactsDir(): string {
        return join(this.dataDir, 'artifacts', INSTANCE_ID);
    }

    /** Runs a CLI command to its end. */
    cli(args: readonly string[], timeoutMs = 30_000): Promise<CliResult> {
        return runCli(args, { cwd: this.cwd, env: this.env, timeoutMs });
    }

    /** Starts a CLI command without waiting for it. */
    startCli(args: readonly string[], timeoutMs = 30_000): CliProcess {
        return startCli(args, { cwd: this.cwd, env: this.env, timeoutMs });
    }

    /** `signal-client poll qualys-test`, to its end. */
    poll(...extraArgs: string[]): Promise<CliResult> {
        return this.cli(['poll', INSTANCE_ID, ...extraArgs]);
    }

    /**
     * `signal-client poll qualys-test` with its peak resident set size measured in the process itself
     * (`process.resourceUsage().maxRSS` as it exits) and the poll's wall time. `env` is added to the environment.
     */
    async measuredPoll(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<MeasuredPoll> {
        const peakFile = join(this.cwd, `peak-rss-${Date.now()}`);
        const started = performance.now();
        const result = await runCli(['poll', INSTANCE_ID], {
            cwd: this.cwd,
            env: { ...this.env, ...measuredEnv(peakFile), ...env },
            timeoutMs
        });
        const wallMs = performance.now() - started;
        const peakRssBytes = Number(await readFile(peakFile, 'utf8').catch(() => 'NaN'));
        await rm(peakFile, { force: true });
        return { result, peakRssBytes, wallMs };
    }

    /** Every artifact written so far, across day files and polls, in write order ([] before the first write). */
    async artifacts(): Promise<Artifact<Record<string, unknown>>[]> {
        const exists = await stat(this.artifactsDir).then(
            () => true,
            () => false
        );
        return exists ? readArtifacts(this.artifactsDir) : [];
    }

    /** The detection keys (see `expectedKeys`) the sandbox tenant holds now, for a host detection filter. */
    expectedKeys(filter: DetectionFilter = {}): Set<string> {
        return expectedKeys(this.sandbox.tenant.expectedDetections(filter));
    }

    /**
     * The references of the scans a first poll can see: without `launched_after_datetime`, Qualys (and the sandbox)
     * lists the scans launched in the last 30 days only.
     */
    recentScanRefs(): Set<string> {
        const since = this.sandbox.tenant.nowSec() - 30 * 86_400;
        return new Set(
            this.sandbox.tenant.scans
                .list()
                .filter(scan => scan.launchedAt > since)
                .map(scan => scan.ref)
        );
    }

    /**
     * The instance's committed `host_detections` checkpoint, read straight from the state database (undefined
     * before any commit).
     */
    committedCheckpoint(): HostDetectionsCheckpoint | undefined {
        return this.committedCheckpoints().host_detections as HostDetectionsCheckpoint | undefined;
    }

    /** Each stream's committed checkpoint, read straight from the state database. */
    committedCheckpoints(): Record<string, unknown> {
        const db = new DatabaseSync(join(this.dataDir, 'state.db'), { readOnly: true });
        try {
            const rows = db
                .prepare('SELECT stream, checkpoint FROM stream_state WHERE instance_id = ? AND checkpoint IS NOT NULL')
                .all(INSTANCE_ID) as { stream: string; checkpoint: string }[];
            return Object.fromEntries(rows.map(row => [row.stream, JSON.parse(row.checkpoint) as unknown]));
        } finally {
            db.close();
        }
    }

    /**
     * Stops the sandbox (dropping open connections) and removes the directory, after checking every finding the
     * scene wrote against OCSF 1.5.0: a scene whose findings do not conform fails here, whatever it asserted.
     */
    async close(): Promise<void> {
        const { findings, problems } = ocsfProblems(await this.artifacts());
        ocsfTally.findings += findings;
        ocsfTally.problems += problems.length;
        await this.sandbox.close();
        await this.removeDir();
        if (problems.length > 0) {
            throw new Error(
                `${problems.length} OCSF 1.5.0 problems in ${findings} findings:\n${problems.slice(0, 10).join('\n')}`
            );
        }
    }
}

/** A poll with what it cost. */
export interface MeasuredPoll {
    result: CliResult;
    /** Peak resident set size of the CLI process, in bytes (NaN when it died before it could say). */
    peakRssBytes: number;
    /** From start to exit, in ms: how long the poll took to deliver everything, recovery included. */
    wallMs: number;
}

/** The environment that makes a CLI process report its peak RSS to `peakFile` (see `peak-rss.spec.helper.ts`). */
export function measuredEnv(peakFile: string): Record<string, string> {
    const preload = pathToFileURL(join(import.meta.dirname, 'peak-rss.spec.helper.js')).href;
    return { NODE_OPTIONS: `--import=${preload}`, SIGNAL_TEST_PEAK_RSS_FILE: peakFile };
}

/** The detection key of every finding among `artifacts`, one per finding, duplicates kept, in order. */
export function findingKeyList(artifacts: readonly Artifact<Record<string, unknown>>[]): string[] {
    return artifacts
        .filter(artifact => artifact.type === FINDING_TYPE)
        .flatMap(artifact => [...findingKeys([artifact])]);
}

/** The scan references of the scan artifacts among `artifacts`, one per artifact, in order. */
export function scanRefList(artifacts: readonly Artifact<Record<string, unknown>>[]): string[] {
    return artifacts.filter(artifact => artifact.type === 'qualys.scan').map(artifact => String(artifact.data.ref));
}

/** The QIDs of the findings among `artifacts` that no KnowledgeBase artifact among them explains. */
export function unexplainedQids(artifacts: readonly Artifact<Record<string, unknown>>[]): number[] {
    const qidOf = (data: Record<string, unknown>): number =>
        Number((data as { finding_info: { analytic: { uid: string } } }).finding_info.analytic.uid);
    const kb = new Set(artifacts.filter(a => a.type === 'qualys.knowledge_base_vuln').map(a => Number(a.data.qid)));
    const findings = new Set(artifacts.filter(a => a.type === FINDING_TYPE).map(a => qidOf(a.data)));
    return [...findings].filter(qid => !kb.has(qid));
}

/** The run summaries among `artifacts`, in write order. */
export function runSummaries(artifacts: readonly Artifact<Record<string, unknown>>[]): RunSummaryData[] {
    return artifacts
        .filter(artifact => artifact.type === RUN_SUMMARY_TYPE)
        .map(artifact => artifact.data as unknown as RunSummaryData);
}

/** The distinct host ids (`device.uid`) of the findings among `artifacts`, in first-delivery order. */
export function findingHostIds(artifacts: readonly Artifact<Record<string, unknown>>[]): number[] {
    const ids = artifacts
        .filter(artifact => artifact.type === FINDING_TYPE)
        .map(artifact => Number((artifact.data as { device: { uid: string } }).device.uid));
    return [...new Set(ids)];
}

/** Every file under `dir`, recursively, with its bytes. */
export async function readTree(dir: string): Promise<{ path: string; bytes: Buffer }[]> {
    const files: { path: string; bytes: Buffer }[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
        if (!entry.isFile()) continue;
        const path = join(entry.parentPath, entry.name);
        files.push({ path, bytes: await readFile(path) });
    }
    return files;
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
}

/** Polls `condition` every 25 ms until it holds; rejects with `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await delay(25);
    }
}
