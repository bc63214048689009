/** The parts of a V8 `.cpuprofile` (as `node --cpu-prof` writes it) the summary reads. */
export interface CpuProfile {
    nodes: {
        id: number;
        callFrame: { functionName: string; url: string; lineNumber: number };
    }[];
    samples: number[];
    /** Microseconds before each sample. */
    timeDeltas: number[];
}

/** Self time of one function, or of one area of the code. */
export interface SelfTime {
    name: string;
    /** `file:line` (relative to the repository root), empty for VM entries. */
    location: string;
    area: string;
    selfMs: number;
    /** Share of the busy time (everything but `(idle)`). */
    share: number;
}

/** Where a profiled process spent its time. */
export interface ProfileSummary {
    totalMs: number;
    /** Time waiting for I/O (the event loop had nothing to run). */
    idleMs: number;
    busyMs: number;
    functions: SelfTime[];
    areas: SelfTime[];
}

/**
 * Which part of the system a function belongs to, from its script URL: the packages of this repository by
 * directory, npm dependencies by package name, Node internals and V8 as such.
 */
export function codeArea(url: string, functionName: string): string {
    if (functionName === '(garbage collector)') return 'V8: garbage collection';
    if (functionName === '(program)') return 'V8: native / compiler';
    if (url === '') return 'V8: built-ins (JSON, RegExp, strings)';
    if (url.startsWith('node:')) return 'Node.js internals (streams, fs, http)';
    const repo = /\/packages\/([\w-]+)\/(?:dist|src)\/(?:([\w-]+)\/)?/.exec(url);
    if (repo !== null) return `${repo[1]}${repo[2] === undefined ? '' : `/${repo[2]}`}`;
    const dependency = /\/node_modules\/((?:@[\w.-]+\/)?[\w.-]+)\//.exec(url);
    if (dependency !== null) return `npm: ${dependency[1]}`;
    return 'other';
}

/**
 * Sums the self time of every function of a CPU profile (a sample's time is the gap to the next sample) and
 * returns the `top` functions and every area, largest first, as shares of the busy time.
 * @param root prefix cut from script paths, e.g. the repository root.
 */
export function summariseCpuProfile(profile: CpuProfile, top = 15, root = ''): ProfileSummary {
    const byNode = new Map(profile.nodes.map(node => [node.id, node]));
    const functions = new Map<string, Omit<SelfTime, 'share'>>();
    const areas = new Map<string, number>();
    let totalUs = 0;
    let idleUs = 0;
    for (let i = 0; i < profile.samples.length; i++) {
        const us = profile.timeDeltas[i + 1] ?? 0;
        const frame = byNode.get(profile.samples[i])?.callFrame;
        if (frame === undefined) continue;
        totalUs += us;
        if (frame.functionName === '(idle)') {
            idleUs += us;
            continue;
        }
        const location = frame.url === '' ? '' : `${shortPath(frame.url, root)}:${frame.lineNumber + 1}`;
        const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
        const area = codeArea(frame.url, frame.functionName);
        const key = `${name}@${location}`;
        const entry = functions.get(key) ?? { name, location, area, selfMs: 0 };
        entry.selfMs += us / 1000;
        functions.set(key, entry);
        areas.set(area, (areas.get(area) ?? 0) + us / 1000);
    }
    const busyMs = (totalUs - idleUs) / 1000;
    const share = (ms: number): number => (busyMs > 0 ? ms / busyMs : 0);
    const sortedFunctions = [...functions.values()]
        .sort((a, b) => b.selfMs - a.selfMs)
        .slice(0, top)
        .map(entry => ({ ...entry, share: share(entry.selfMs) }));
    const sortedAreas = [...areas.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([area, selfMs]) => ({ name: area, location: '', area, selfMs, share: share(selfMs) }));
    return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, busyMs, functions: sortedFunctions, areas: sortedAreas };
}

/** A script URL as a path relative to `root` (`file://` dropped). */
function shortPath(url: string, root: string): string {
    const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
    return root !== '' && path.startsWith(root) ? path.slice(root.length).replace(/^\//, '') : path;
}
