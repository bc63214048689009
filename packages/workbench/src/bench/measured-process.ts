import { spawn } from 'node:child_process';

/** What one measured process did and cost, as the operating system accounted it. */
export interface ProcessMeasurement {
    /** Exit code (or 128 + signal number). */
    code: number;
    /** Wall time from start to exit. */
    wallMs: number;
    /** User + system CPU time of the process (and of any process it waited for). */
    cpuMs: number;
    /** Peak resident set size (`ru_maxrss`), in bytes. */
    maxRssBytes: number;
    stdout: string;
    stderr: string;
}

/**
 * Runs its arguments as a child and reports the child's wall time, CPU time and peak RSS from the kernel's
 * accounting (`getrusage(RUSAGE_CHILDREN)` once the child was waited for): exact, whatever the program, and the
 * program runs unchanged, as its user runs it. Python is the measuring parent because Node cannot read the
 * accounting of its children; the benchmark needs Python for the peer anyway.
 */
const MEASURE = `
import json, resource, subprocess, sys, time
started = time.monotonic()
code = subprocess.call(sys.argv[1:])
wall = time.monotonic() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
rss = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
sys.stderr.write("\\n@@measure " + json.dumps({"code": code if code >= 0 else 128 - code, "wall": wall,
                 "cpu": usage.ru_utime + usage.ru_stime, "rss": rss}) + "\\n")
`;

const MARKER = '\n@@measure ';

/** Options of {@link measureProcess}. */
export interface MeasureOptions {
    cwd: string;
    env?: NodeJS.ProcessEnv;
    /** The process is killed after this long. */
    timeoutMs: number;
    /** The Python interpreter that measures (default `python3`). */
    python?: string;
    /** Receives stderr lines as they come (progress). */
    onStderrLine?: (line: string) => void;
}

/** Runs `command args` to its end and measures it (see {@link MEASURE}). Rejects when it cannot be measured. */
export function measureProcess(command: string, args: readonly string[], options: MeasureOptions): Promise<ProcessMeasurement> {
    return new Promise((resolve, reject) => {
        const child = spawn(options.python ?? 'python3', ['-c', MEASURE, command, ...args], {
            cwd: options.cwd,
            env: options.env ?? process.env,
            stdio: ['ignore', 'pipe', 'pipe']
        });
        let stdout = '';
        let stderr = '';
        let pending = '';
        child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
        child.stderr.setEncoding('utf8').on('data', (text: string) => {
            stderr += text;
            pending += text;
            const lines = pending.split('\n');
            pending = lines.pop() ?? '';
            for (const line of lines) if (!line.startsWith('@@measure ')) options.onStderrLine?.(line);
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
        child.once('error', error => {
            clearTimeout(timer);
            reject(new Error(`cannot start ${options.python ?? 'python3'} to measure ${command}: ${error.message}`));
        });
        child.once('close', (code, signal) => {
            clearTimeout(timer);
            const at = stderr.lastIndexOf(MARKER);
            if (at < 0) {
                reject(new Error(`${command} was not measured (${signal ?? `exit ${code}`}):\n${stderr.slice(-2000)}`));
                return;
            }
            const figures = JSON.parse(stderr.slice(at + MARKER.length).trim()) as {
                code: number;
                wall: number;
                cpu: number;
                rss: number;
            };
            resolve({
                code: figures.code,
                wallMs: figures.wall * 1000,
                cpuMs: figures.cpu * 1000,
                maxRssBytes: figures.rss,
                stdout,
                stderr: stderr.slice(0, at)
            });
        });
    });
}
