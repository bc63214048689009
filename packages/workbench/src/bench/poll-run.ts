import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { measureProcess, type ProcessMeasurement } from './measured-process.js';

/** The installed `signal-client` launcher, the file `npx signal-client` runs. */
export const SIGNAL_CLIENT_BIN = join(
    dirname(createRequire(import.meta.url).resolve('@signal-connectors/host-runtime/package.json')),
    'bin',
    'signal-client.js'
);

/** Where the sandbox listens and how to log in. */
export interface SandboxEndpoint {
    url: string;
    username: string;
    password: string;
}

/** The run summary fields a benchmark reads (the plugin's `qualys.run_summary` artifact). */
interface RunSummary {
    outcome: string;
    hosts: number;
    detections: number;
    apiCalls: Record<string, number>;
    throttled: number;
    error?: { kind: string; message: string };
    reconciliation?: PollRun['reconciliation'];
}

/** One measured `signal-client poll`. */
export interface PollRun extends ProcessMeasurement {
    truncationLimit: number;
    hosts: number;
    detections: number;
    /** Artifacts the JSONL sink holds, of every type. */
    artifacts: number;
    /** Bytes of JSON lines written. */
    outputBytes: number;
    apiCalls: Record<string, number>;
    /** HTTP 409 answers the poll met (waited out by the client). */
    throttled: number;
    /** What the host reconciliation found, when it ran. */
    reconciliation?: { hostsRemoved: number; findingsClosed: number; hostsReturned: number; completed: boolean };
}

const INSTANCE_ID = 'bench';

/**
 * `signal-client poll bench` from an empty data directory (a first, full sync), as a user runs it: the installed
 * launcher in a process of its own, a config file with a JSONL sink (fsync per batch, as in production) and the
 * admin API off. Counts come from the run summary the poll writes last; `artifacts` and `outputBytes` count the
 * whole sink, so a second poll in the same directory (a next, incremental poll) counts those of both.
 * `settings` are written beside the defaults.
 */
export async function runPoll(
    sandbox: SandboxEndpoint,
    truncationLimit: number,
    workDir: string,
    timeoutMs: number,
    settings: Readonly<Record<string, string | number | boolean>> = {}
): Promise<PollRun> {
    await mkdir(workDir, { recursive: true });
    const config = join(workDir, 'signal-client.yaml');
    await writeFile(
        config,
        [
            'dataDir: ./data',
            'admin:',
            '  enabled: false',
            'instances:',
            `  - id: ${INSTANCE_ID}`,
            '    connector: signal-client.qualys',
            '    settings:',
            `      host: ${sandbox.url}`,
            `      username: ${sandbox.username}`,
            '      password: ${env:BENCH_QUALYS_PASSWORD}',
            `      truncationLimit: ${truncationLimit}`,
            ...Object.entries(settings).map(([name, value]) => `      ${name}: ${value}`),
            ''
        ].join('\n')
    );
    const env = { ...process.env, BENCH_QUALYS_PASSWORD: sandbox.password, LOG_LEVEL: 'warn' };
    const measured = await measureProcess(
        process.execPath,
        [SIGNAL_CLIENT_BIN, 'poll', INSTANCE_ID, '--config', config],
        { cwd: workDir, env, timeoutMs }
    );
    if (measured.code !== 0) {
        throw new Error(`signal-client poll exited ${measured.code}:\n${measured.stdout}\n${measured.stderr.slice(-3000)}`);
    }
    const output = await readOutput(join(workDir, 'data', 'artifacts', INSTANCE_ID));
    const summary = output.summary;
    if (summary === undefined || summary.outcome !== 'complete') {
        throw new Error(`the poll did not complete: ${JSON.stringify(summary?.error ?? 'no run summary written')}`);
    }
    return {
        ...measured,
        truncationLimit,
        hosts: summary.hosts,
        detections: summary.detections,
        artifacts: output.lines,
        outputBytes: output.bytes,
        apiCalls: summary.apiCalls,
        throttled: summary.throttled,
        ...(summary.reconciliation === undefined ? {} : { reconciliation: summary.reconciliation })
    };
}

/** Lines, bytes and the last run summary of the JSONL files under `dir`. */
async function readOutput(dir: string): Promise<{ lines: number; bytes: number; summary?: RunSummary }> {
    let lines = 0;
    let bytes = 0;
    let summary: RunSummary | undefined;
    for (const name of (await readdir(dir)).filter(file => file.endsWith('.jsonl')).sort()) {
        bytes += (await stat(join(dir, name))).size;
        for await (const line of createInterface({ input: createReadStream(join(dir, name)) })) {
            if (line === '') continue;
            lines += 1;
            // Only the few summary lines are parsed: the file holds gigabytes of findings.
            if (line.includes('"type":"qualys.run_summary"')) summary = (JSON.parse(line) as { data: RunSummary }).data;
        }
    }
    return { lines, bytes, summary };
}
