import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, loadavg, release, totalmem, type } from 'node:os';
import { formatMB, formatNumber } from './bench-stats.js';

/** The machine a benchmark ran on. */
export interface MachineInfo {
    cpuModel: string;
    cpuCount: number;
    memoryBytes: number;
    os: string;
    node: string;
    /** 1-minute load average when the benchmark started: other work on the machine skews the numbers. */
    loadAverage: number;
}

/** Describes this machine (the children run the same Node binary, so `node` is theirs too). */
export function describeMachine(): MachineInfo {
    const cores = cpus();
    return {
        cpuModel: cores[0]?.model.trim() ?? 'unknown',
        cpuCount: cores.length,
        memoryBytes: totalmem(),
        os: `${distribution() ?? type()} (${type()} ${release()}, ${arch()})`,
        node: process.version,
        loadAverage: loadavg()[0]
    };
}

/** `PRETTY_NAME` of `/etc/os-release`, when there is one. */
function distribution(): string | undefined {
    try {
        return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    } catch {
        return undefined;
    }
}

/**
 * The code measured: the commit and how many files differ from it. Others work in the same tree, so a report
 * must say which state of it produced the numbers. Undefined outside a git checkout.
 */
export function describeCode(root: string): string | undefined {
    try {
        const git = (...args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
        const commit = git('rev-parse', '--short', 'HEAD');
        const changed = git('status', '--porcelain', '--untracked-files=all', '--', 'packages').split('\n');
        const count = changed.filter(line => line !== '').length;
        return count === 0 ? `commit ${commit}` : `commit ${commit} with ${count} changed or new files under packages/`;
    } catch {
        return undefined;
    }
}

/** The `## Machine` section of a benchmark report: CPU, memory, OS, Node.js, load averages and the code measured. */
export function machineSection(machine: MachineInfo, loadAtEnd: number, code: string | undefined): string[] {
    const out = ['## Machine', ''];
    out.push(`- CPU: ${machine.cpuModel}, ${machine.cpuCount} logical CPUs; memory ${formatMB(machine.memoryBytes, 0)}`);
    out.push(`- OS: ${machine.os}; Node.js ${machine.node}`);
    out.push(
        `- 1-minute load average: ${formatNumber(machine.loadAverage, 2)} at the start, ` +
            `${formatNumber(loadAtEnd, 2)} at the end`
    );
    if (code !== undefined) out.push(`- Code measured: ${code}`);
    return out;
}
