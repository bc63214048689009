import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/** The synthetic tenant the sandbox serves. */
export interface SandboxTenant {
    hosts: number;
    detectionsPerHost: number;
    resultsSize: number;
    seed: number;
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

/** Path of the plugin's `qualys-sandbox` CLI: its package's `bin` entry, found through the installed package. */
export function sandboxCliPath(): string {
    const require = createRequire(import.meta.url);
    const packageJson = require.resolve('@signal-connectors/qualys-plugin/package.json');
    const { bin } = require(packageJson) as { bin?: string | Record<string, string> };
    const entry = typeof bin === 'string' ? bin : bin?.['qualys-sandbox'];
    if (entry === undefined) throw new Error(`${packageJson} declares no qualys-sandbox bin`);
    return join(dirname(packageJson), entry);
}

/**
 * Starts the plugin's sandbox CLI in a separate process (so its memory and CPU are not the pipeline's), with
 * rate and concurrency limits high enough never to throttle, and waits for the JSON line with its URL. The
 * process is killed when this one exits, whichever way.
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
        '1000'
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
