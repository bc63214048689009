/**
 * The V8 heap settings `signal-client` runs with. Node lets the heap grow far beyond what a streaming poll keeps
 * alive (a poll holding 60 MB of live data otherwise peaks near 450 MB), so the launcher caps the old generation
 * and the young generation's semi-spaces. The caps never override the user's: a `--max-old-space-size` or
 * `--max-semi-space-size` in `NODE_OPTIONS` or on node's command line wins, and `SIGNAL_CLIENT_HEAP_MB` sets the
 * old-generation cap (`off` leaves Node's defaults). The relaunched process also limits glibc's malloc arenas
 * (see {@link launchEnvironment}).
 */

/**
 * Old-generation cap, in MB. The semi-space cap is what keeps a poll's footprint down (a 5,000-host poll peaked
 * near 200 MB with either 128 or 256 here, against 450 without caps); this one is a ceiling with room for a host
 * whose thousands of detections arrive as one batch, and for the service's concurrent polls.
 */
const DEFAULT_OLD_SPACE_MB = 256;
/** Semi-space cap, in MB: a small young generation is collected often and cheaply. */
const SEMI_SPACE_MB = 8;

/** What {@link heapFlags} decides from. */
export interface HeapSettingsInput {
    /** Node's own options (`process.execArgv`). */
    execArgv: readonly string[];
    env: Readonly<Record<string, string | undefined>>;
}

/** The flags to add to node's command line; empty when the user set both, or turned them off. */
export function heapFlags(input: HeapSettingsInput): string[] {
    const configured = input.env.SIGNAL_CLIENT_HEAP_MB?.trim();
    if (configured?.toLowerCase() === 'off') return [];
    const given = [...input.execArgv, ...(input.env.NODE_OPTIONS ?? '').split(/\s+/)];
    const has = (flag: string): boolean =>
        given.some(option => {
            const name = option.split('=')[0].replaceAll('_', '-');
            return name === flag;
        });
    const flags: string[] = [];
    if (!has('--max-old-space-size')) {
        const fromEnv = configured === undefined || configured === '' ? undefined : Number(configured);
        const mb =
            fromEnv !== undefined && Number.isSafeInteger(fromEnv) && fromEnv >= 64 ? fromEnv : DEFAULT_OLD_SPACE_MB;
        flags.push(`--max-old-space-size=${mb}`);
    }
    if (!has('--max-semi-space-size')) flags.push(`--max-semi-space-size=${SEMI_SPACE_MB}`);
    return flags;
}

/**
 * glibc malloc arenas, unless the environment sets `MALLOC_ARENA_MAX` itself. By default glibc gives every thread
 * that allocates an arena of its own (up to eight per core): V8's compiler and GC threads and libuv's file threads
 * each keep freed memory in theirs, tens of MB of a poll's peak that no allocation needs. Two arenas cost no
 * measurable speed here.
 */
const MALLOC_ARENAS = '2';

/** The environment to relaunch with: `env` plus the malloc arena limit, unless it sets one already. */
export function launchEnvironment(env: Readonly<NodeJS.ProcessEnv>): NodeJS.ProcessEnv {
    if (env.MALLOC_ARENA_MAX !== undefined && env.MALLOC_ARENA_MAX !== '') return { ...env };
    return { ...env, MALLOC_ARENA_MAX: MALLOC_ARENAS };
}

/**
 * Replaces this process with node running `script` under the heap flags (same process id, standard streams and
 * environment, see {@link launchEnvironment}), when flags are due and the platform can (`process.execve`, POSIX,
 * Node 22.15 and later).
 * Returns when nothing is to be done or it cannot: the command then runs with Node's defaults.
 */
export function relaunchWithHeapSettings(script: string): void {
    const args = process.argv.slice(2);
    const flags = heapFlags({ execArgv: process.execArgv, env: process.env });
    const execve = (process as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never }).execve;
    if (flags.length === 0 || typeof execve !== 'function') return;
    try {
        execve.call(
            process,
            process.execPath,
            [process.execPath, ...process.execArgv, ...flags, script, ...args],
            launchEnvironment(process.env)
        );
    } catch {
        // The platform refused (no execve here): run with Node's defaults rather than not at all.
    }
}
