import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { measureProcess, type ProcessMeasurement } from './measured-process.js';
import type { SandboxEndpoint } from './poll-run.js';

/** Where the peer script lives, relative to the repository: beside it, in the shared bench folder. */
export function peerScriptPath(repoRoot: string): string {
    return join(repoRoot, '..', 'shared', 'bench', 'py_iterparse_baseline.py');
}

/** Whether the peer can run: its script exists. Undefined when it can; else why not, in words. */
export function peerProblem(script: string): string | undefined {
    return existsSync(script)
        ? undefined
        : `the peer script is absent (looked for ${script}); our poll is measured alone, without ratios`;
}

/** One measured run of the peer. */
export interface PeerRun extends ProcessMeasurement {
    truncationLimit: number;
    detections: number;
    hosts: number;
    pages: number;
    /** The peer's own figure (its clock starts after Python has started). */
    selfReportedPerSecond: number;
}

/** The peer's one-line JSON result. */
export function parsePeerOutput(stdout: string): { detections: number; hosts: number; pages: number; perSecond: number } {
    const line = stdout.trim().split('\n').at(-1) ?? '';
    const parsed = JSON.parse(line) as { detections: number; hosts: number; pages: number; detections_per_s: number };
    if (typeof parsed.detections !== 'number') throw new Error(`unexpected peer output: ${line}`);
    return { detections: parsed.detections, hosts: parsed.hosts, pages: parsed.pages, perSecond: parsed.detections_per_s };
}

/**
 * The peer, as the issue defines it: `python3 py_iterparse_baseline.py URL USER PASSWORD TRUNCATION /dev/null`,
 * against the same sandbox, measured the same way as our poll.
 */
export async function runPeer(
    script: string,
    sandbox: SandboxEndpoint,
    truncationLimit: number,
    workDir: string,
    timeoutMs: number
): Promise<PeerRun> {
    const measured = await measureProcess(
        'python3',
        [script, sandbox.url, sandbox.username, sandbox.password, String(truncationLimit), '/dev/null'],
        { cwd: workDir, timeoutMs }
    );
    if (measured.code !== 0) throw new Error(`the peer exited ${measured.code}:\n${measured.stderr.slice(-3000)}`);
    const result = parsePeerOutput(measured.stdout);
    return {
        ...measured,
        truncationLimit,
        detections: result.detections,
        hosts: result.hosts,
        pages: result.pages,
        selfReportedPerSecond: result.perSecond
    };
}
