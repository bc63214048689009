import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Test support (named `*.spec.*` so it is left out of the published package). */

/** A garbage collector to measure live memory with: `global.gc` under --expose-gc, else enabled at runtime. */
export function garbageCollector(): (() => void) | undefined {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed !== undefined) return exposed;
    try {
        setFlagsFromString('--expose-gc');
        return runInNewContext('gc') as () => void;
    } catch {
        return undefined;
    }
}
