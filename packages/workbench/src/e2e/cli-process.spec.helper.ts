import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Artifact } from '@signal-connectors/connector-sdk';
import type { ExpectedDetection } from '@signal-connectors/qualys-sandbox';

/** The compiled `signal-client` entry point. */
export const SIGNAL_CLIENT_BIN = join(
    dirname(createRequire(import.meta.url).resolve('@signal-connectors/host-runtime/package.json')),
    'bin',
    'signal-client.js'
);
/** The compiled `npm start` entry point (this package's). */
export const START_BIN = fileURLToPath(new URL('../bin/start.js', import.meta.url));

/** How a CLI process ended and what it printed. */
export interface CliResult {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

/** Options of {@link runCli} and {@link startCli}. */
export interface CliProcessOptions {
    cwd: string;
    env?: Record<string, string | undefined>;
    /** Kills the process after this long (default 15 s). */
    timeoutMs?: number;
    /** The entry point (default `signal-client`). */
    bin?: string;
}

/** A CLI process started by {@link startCli}: its output so far, and its end. */
export interface CliProcess {
    child: ChildProcess;
    stdout: () => string;
    stderr: () => string;
    /** Resolves once `pattern` appeared in stdout or stderr; rejects when the process ends first or after 10 s. */
    waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
    exited: Promise<CliResult>;
}

/** Starts the CLI in a real process (this Node, no terminal); the environment has no LOG_LEVEL unless given. */
export function startCli(args: readonly string[], options: CliProcessOptions): CliProcess {
    const env: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: undefined, ...options.env };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const child = spawn(process.execPath, [options.bin ?? SIGNAL_CLIENT_BIN, ...args], {
        cwd: options.cwd,
        env: env as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe']
    });
    let stdout = '';
    let stderr = '';
    const watchers = new Set<() => void>();
    const notify = (): void => watchers.forEach(watcher => watcher());
    child.stdout!.setEncoding('utf8').on('data', (text: string) => ((stdout += text), notify()));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => ((stderr += text), notify()));
    const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    const exited = new Promise<CliResult>(resolve =>
        child.on('close', (code, signal) => {
            clearTimeout(killer);
            notify();
            resolve({ code, signal, stdout, stderr });
        })
    );
    const waitFor = (pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> =>
        new Promise((resolve, reject) => {
            let ended = false;
            void exited.then(() => (ended = true));
            const timer = setTimeout(() => finish(new Error(`timed out waiting for ${pattern}`)), timeoutMs);
            const check = (): void => {
                const match = pattern.exec(stdout) ?? pattern.exec(stderr);
                if (match !== null) finish(undefined, match);
                else if (ended || child.exitCode !== null)
                    finish(new Error(`process ended before ${pattern}:\n${stdout}\n${stderr}`));
            };
            const finish = (error?: Error, match?: RegExpMatchArray): void => {
                clearTimeout(timer);
                watchers.delete(check);
                if (error === undefined) resolve(match!);
                else reject(error);
            };
            watchers.add(check);
            check();
        });
    return { child, stdout: () => stdout, stderr: () => stderr, waitFor, exited };
}

/** Runs the CLI to its end. */
export function runCli(args: readonly string[], options: CliProcessOptions): Promise<CliResult> {
    return startCli(args, options).exited;
}

/** A temporary directory, removed by `remove`. */
export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
    const path = await mkdtemp(join(tmpdir(), `${prefix}-`));
    return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** What a test config points at. */
export interface TestConfigOptions {
    sandboxUrl: string;
    username?: string;
    /** Written as `${env:QUALYS_PASSWORD}` unless `inlinePassword` is given. */
    inlinePassword?: string;
    adminListen?: string;
    truncationLimit?: number;
    pollingInterval?: string;
    initialDelay?: string;
}

/** Writes a `signal-client.yaml` with one Qualys instance, `qualys-test`, into `dir`; returns its path. */
export async function writeTestConfig(dir: string, options: TestConfigOptions): Promise<string> {
    const path = join(dir, 'signal-client.yaml');
    const lines = [
        'dataDir: ./data',
        'admin:',
        `  listen: ${options.adminListen ?? '127.0.0.1:0'}`,
        'instances:',
        '  - id: qualys-test',
        '    connector: signal-client.qualys',
        `    pollingInterval: ${options.pollingInterval ?? '1h'}`,
        ...(options.initialDelay === undefined ? [] : [`    initialDelay: ${options.initialDelay}`]),
        '    settings:',
        `      host: ${options.sandboxUrl}`,
        `      username: ${options.username ?? 'sandbox_user'}`,
        `      password: ${options.inlinePassword ?? '${env:QUALYS_PASSWORD}'}`,
        `      truncationLimit: ${options.truncationLimit ?? 10}`
    ];
    await writeFile(path, `${lines.join('\n')}\n`);
    return path;
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>(resolve => server.close(() => resolve()));
    return port;
}

/** The JSON log lines of a process's stderr (lines that are not JSON are skipped). */
export function logLines(stderr: string): { level: string; message: string; [key: string]: unknown }[] {
    return stderr
        .split('\n')
        .filter(line => line.startsWith('{'))
        .map(line => JSON.parse(line) as { level: string; message: string });
}

/** The identity of a detection: host, QID, port, protocol, SSL and Qualys' unique id. */
function key(hostId: unknown, qid: unknown, port: unknown, protocol: unknown, ssl: unknown, unique: unknown): string {
    return [hostId, qid, port ?? '', String(protocol ?? '').toLowerCase(), ssl, unique].map(String).join('|');
}

/** Every artifact written under a JSONL sink directory, across day files. */
export async function readArtifacts(dir: string): Promise<Artifact<Record<string, unknown>>[]> {
    const artifacts: Artifact<Record<string, unknown>>[] = [];
    for (const file of (await readdir(dir)).filter(name => name.endsWith('.jsonl')).sort()) {
        const text = await readFile(join(dir, file), 'utf8');
        for (const line of text.split('\n').filter(Boolean))
            artifacts.push(JSON.parse(line) as Artifact<Record<string, unknown>>);
    }
    return artifacts;
}

/** The detection keys of the findings among `artifacts`. */
export function findingKeys(artifacts: readonly Artifact<Record<string, unknown>>[]): Set<string> {
    const keys = new Set<string>();
    for (const artifact of artifacts.filter(a => a.type === 'ocsf.vulnerability_finding')) {
        const data = artifact.data as {
            device: { uid: string };
            finding_info: { analytic: { uid: string }; uid_alt?: unknown };
            unmapped: { qualys: { detection: { port?: number; protocol?: string; ssl: boolean } } };
        };
        const detection = data.unmapped.qualys.detection;
        keys.add(
            key(
                data.device.uid,
                data.finding_info.analytic.uid,
                detection.port,
                detection.protocol,
                detection.ssl,
                data.finding_info.uid_alt
            )
        );
    }
    return keys;
}

/** The keys of the detections the sandbox tenant holds. */
export function expectedKeys(detections: Iterable<ExpectedDetection>): Set<string> {
    return new Set([...detections].map(d => key(d.hostId, d.qid, d.port, d.protocol, d.ssl, d.uniqueVulnId)));
}
