import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/** Concurrent calls per API the sandbox grants when a tenant names no limit: more than any poll makes. */
export const UNBOUNDED_CONCURRENCY = 1000;

/** The synthetic tenant the sandbox serves, and how it answers. */
export interface SandboxTenant {
    hosts: number;
    detectionsPerHost: number;
    resultsSize: number;
    seed: number;
    /** Concurrent calls per API; default: high enough never to refuse one. */
    concurrencyLimit?: number;
    /** Pace of each answer, bytes per second; default: unpaced. */
    bytesPerSec?: number;
}

/** A Qualys sandbox running in its own process (`qualys-sandbox --json`). */
export interface SandboxProcess {
    url: string;
    username: string;
    password: string;
    pid: number;
    /** Stops the sandbox; safe to call more than once. */
    stop(): void;
}

const START_TIMEOUT_MS = 120_000;

/** Path of the `qualys-sandbox` CLI: the sandbox package's `bin` entry, found through the installed package. */
export function sandboxCliPath(): string {
    const require = createRequire(import.meta.url);
    const packageJson = require.resolve('@signal-connectors/qualys-sandbox/package.json');
    const { bin } = require(packageJson) as { bin?: string | Record<string, string> };
    const entry = typeof bin === 'string' ? bin : bin?.['qualys-sandbox'];
    if (entry === undefined) throw new Error(`${packageJson} declares no qualys-sandbox bin`);
    return join(dirname(packageJson), entry);
}

/**
 * Starts the sandbox CLI in a separate process (so its memory and CPU are not the measured ones), with a rate
 * limit that never throttles, and waits for the JSON line with its URL. The process is killed when this one
 * exits, whichever way.
 */
export async function startSandboxProcess(tenant: SandboxTenant): Promise<SandboxProcess> {
    const args = [
        sandboxCliPath(),
        '--json',
        '--hosts',
        String(tenant.hosts),
        '--detections-per-host',
        String(tenant.detectionsPerHost),
        '--results-size',
        String(tenant.resultsSize),
        '--seed',
        String(tenant.seed),
        '--rate-limit',
        '1000000/3600',
        '--concurrency-limit',
        String(tenant.concurrencyLimit ?? UNBOUNDED_CONCURRENCY),
        ...(tenant.bytesPerSec === undefined ? [] : ['--bytes-per-sec', String(tenant.bytesPerSec)])
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const stop = (): void => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        process.off('exit', stop);
    };
    process.on('exit', stop);
    try {
        const line = await firstLine(child);
        const { url, username, password } = JSON.parse(line) as { url: string; username: string; password: string };
        return { url, username, password, pid: child.pid ?? -1, stop };
    } catch (error) {
        stop();
        throw error;
    }
}

/** The first line the child prints; rejects when it exits or stays silent first. */
function firstLine(child: ChildProcess): Promise<string> {
    return new Promise((resolve, reject) => {
        const lines = createInterface({ input: child.stdout! });
        const timer = setTimeout(() => fail(new Error('the sandbox did not start within 120 s')), START_TIMEOUT_MS);
        const onExit = (code: number | null): void => fail(new Error(`the sandbox exited (${code}) before starting`));
        const fail = (error: Error): void => {
            clearTimeout(timer);
            lines.close();
            child.off('exit', onExit);
            reject(error);
        };
        child.once('exit', onExit);
        child.once('error', fail);
        lines.once('line', line => {
            clearTimeout(timer);
            child.off('exit', onExit);
            lines.close();
            // Nothing else is expected on stdout, but never let a full pipe block the sandbox.
            child.stdout?.resume();
            resolve(line);
        });
    });
}

/** What the sandbox saw of a poll's calls, from its request log and limits (see {@link takeSandboxCounts}). */
export interface SandboxCounts {
    /** Answers refused for concurrency (409, code 1960). */
    refusals: number;
    /** Most host detection calls that ran at once. */
    peakHostDetectionCalls: number;
    /** Bytes of the host detection answers the sandbox sent. */
    hostDetectionBytes: number;
}

/**
 * The sandbox's count of answers refused for concurrency (409, code 1960), the most host detection calls that
 * ran at once and the bytes of the host detection answers, since the last call; then clears its request log and
 * limits for the next run.
 */
export async function takeSandboxCounts(sandbox: { url: string }): Promise<SandboxCounts> {
    const records = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as {
        endpoint: string;
        status: number;
        code?: number;
        bodyBytes?: number;
    }[];
    const limits = (await (await fetch(`${sandbox.url}/__sandbox/limits`)).json()) as {
        hld: { peakRunning: number };
    };
    await fetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' });
    await fetch(`${sandbox.url}/__sandbox/limits`, { method: 'DELETE' });
    return {
        refusals: records.filter(record => record.status === 409 && record.code === 1960).length,
        peakHostDetectionCalls: limits.hld.peakRunning,
        hostDetectionBytes: records
            .filter(record => record.endpoint === 'hld')
            .reduce((sum, record) => sum + (record.bodyBytes ?? 0), 0)
    };
}
