import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SIGNAL_CLIENT_BIN, type SandboxEndpoint } from './poll-run.js';
import type { ServiceScenarioOptions } from './scale-options.js';
import { ServiceProgress } from './service-progress.js';

/** What one measured `signal-client run` did. */
export interface ServiceRun {
    instances: number;
    /** Ids with their progress, in config order. */
    progress: ServiceProgress;
    /** When the process was started (ms since the epoch). */
    startedAt: number;
    /** How long it ran until the SIGTERM. */
    ranMs: number;
    /** True when it was stopped at the deadline, with instances that had not finished a poll. */
    deadlineReached: boolean;
    /** Peak RSS of the process (`VmHWM`), read just before the SIGTERM. */
    peakRssBytes: number;
    /** User + system CPU seconds of the process until the SIGTERM. */
    cpuSeconds: number;
    /** How it exited after the SIGTERM (code, or 128 + signal). */
    exitCode: number;
}

/** The instance ids of the config: `sub<s>-<i>`, subscription-major. */
export function serviceInstanceIds(subscriptions: number, perSubscription: number): string[] {
    const ids: string[] = [];
    for (let s = 1; s <= subscriptions; s++) for (let i = 1; i <= perSubscription; i++) ids.push(`sub${s}-${i}`);
    return ids;
}

/**
 * The service's config: `instancesPerSubscription` instances of each sandbox, each with its own instance id,
 * the scenario's polling interval and otherwise default settings (a first full sync, KnowledgeBase and scans on),
 * the default JSONL sink, the admin API off (nothing here reads it). Passwords come from `BENCH_SUB<n>_PASSWORD`.
 */
export function serviceConfig(sandboxes: readonly SandboxEndpoint[], options: ServiceScenarioOptions): string {
    const lines = ['dataDir: ./data', 'admin:', '  enabled: false'];
    if (options.maxConcurrentPolls !== undefined) lines.push(`maxConcurrentPolls: ${options.maxConcurrentPolls}`);
    lines.push('instances:');
    const ids = serviceInstanceIds(sandboxes.length, options.instancesPerSubscription);
    for (const id of ids) {
        const subscription = Number(/^sub(\d+)-/.exec(id)![1]);
        const sandbox = sandboxes[subscription - 1];
        lines.push(
            `  - id: ${id}`,
            '    connector: signal-client.qualys',
            `    pollingInterval: ${options.pollingInterval}`,
            '    settings:',
            `      host: ${sandbox.url}`,
            `      username: ${sandbox.username}`,
            `      password: \${env:BENCH_SUB${subscription}_PASSWORD}`
        );
    }
    return [...lines, ''].join('\n');
}

/** `VmHWM` (peak RSS) and CPU seconds of a live process, from `/proc`; undefined once it is gone. */
async function sampleProcess(pid: number): Promise<{ peakRssBytes: number; cpuSeconds: number } | undefined> {
    try {
        const status = await readFile(`/proc/${pid}/status`, 'utf8');
        const hwm = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
        // Fields after the parenthesised command name; utime and stime are the 14th and 15th, in clock ticks.
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = Number(fields[11]) + Number(fields[12]);
        // USER_HZ is 100 on every Linux the benchmark runs on.
        return { peakRssBytes: hwm === null ? NaN : Number(hwm[1]) * 1024, cpuSeconds: ticks / 100 };
    } catch {
        return undefined;
    }
}

const SAMPLE_MS = 1000;
const EXIT_WAIT_MS = 60_000;

/**
 * Runs `signal-client run` (the installed launcher, a process of its own, JSON log lines at level info) over the
 * sandboxes until every instance has finished a poll successfully or the deadline passes, then stops it with
 * SIGTERM, as an operator does. Peak RSS and CPU time are read from `/proc` just before the SIGTERM. The log
 * goes to `service.log` in `workDir`.
 */
export async function runService(
    sandboxes: readonly SandboxEndpoint[],
    options: ServiceScenarioOptions,
    workDir: string,
    onProgress: (progress: ServiceProgress, elapsedMs: number) => void = () => undefined
): Promise<ServiceRun> {
    await mkdir(workDir, { recursive: true });
    const configPath = join(workDir, 'signal-client.yaml');
    await writeFile(configPath, serviceConfig(sandboxes, options));
    const ids = serviceInstanceIds(sandboxes.length, options.instancesPerSubscription);
    const progress = new ServiceProgress(ids);
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info' };
    sandboxes.forEach((sandbox, index) => (env[`BENCH_SUB${index + 1}_PASSWORD`] = sandbox.password));

    const startedAt = Date.now();
    const child = spawn(process.execPath, [SIGNAL_CLIENT_BIN, 'run', '--config', configPath], {
        cwd: workDir,
        env,
        stdio: ['ignore', 'pipe', 'pipe']
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error('signal-client run did not start');
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.on('exit', killOnExit);
    const log = createWriteStream(join(workDir, 'service.log'));
    child.stdout.resume();
    createInterface({ input: child.stderr }).on('line', line => {
        log.write(`${line}\n`);
        progress.take(line);
    });
    const exited = new Promise<number>(resolve =>
        child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal])))
    );
    let alive = true;
    void exited.then(() => (alive = false));

    let sample: { peakRssBytes: number; cpuSeconds: number } | undefined;
    let deadlineReached = false;
    while (alive) {
        sample = (await sampleProcess(pid)) ?? sample;
        const elapsed = Date.now() - startedAt;
        onProgress(progress, elapsed);
        if (progress.allPolled) break;
        if (elapsed >= options.deadlineMs) {
            deadlineReached = true;
            break;
        }
        await new Promise(resolve => setTimeout(resolve, SAMPLE_MS));
    }
    if (!alive) {
        log.end();
        process.off('exit', killOnExit);
        const tail = progress.otherLines.slice(-20).join('\n');
        throw new Error(`signal-client run exited (${await exited}) before it was stopped:\n${tail}`);
    }
    sample = (await sampleProcess(pid)) ?? sample;
    const ranMs = Date.now() - startedAt;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_WAIT_MS);
    const exitCode = await exited;
    clearTimeout(timer);
    process.off('exit', killOnExit);
    await new Promise(resolve => log.end(resolve));
    return {
        instances: ids.length,
        progress,
        startedAt,
        ranMs,
        deadlineReached,
        peakRssBytes: sample?.peakRssBytes ?? NaN,
        cpuSeconds: sample?.cpuSeconds ?? NaN,
        exitCode
    };
}
