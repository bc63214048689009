import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * Modes of what signal-client writes: the estate's vulnerability data and scanner output, and the state that
 * leads to it. Private to the user running the service unless the config names a group that may read artifacts.
 */
export const FileModes = {
    /** The data directory, and artifact directories by default. */
    privateDirectory: 0o700,
    /** The state database and its journal, and artifacts by default. */
    privateFile: 0o600,
    /** Artifact directories a configured group may read. */
    groupDirectory: 0o750,
    /** Artifacts a configured group may read. */
    groupFile: 0o640,
    /** The data directory when artifacts inside it are readable by a group: the group may pass through, no more. */
    passThroughDirectory: 0o710
} as const;

/**
 * Creates `path` (and missing parents) with `mode`, or gives an existing directory that mode (a directory made by a
 * release with looser modes, or by a umask). A directory this user cannot change (another owner) is left as it is:
 * what is inside it opens or fails on its own terms.
 */
export function restrictDirectory(path: string, mode: number = FileModes.privateDirectory): void {
    mkdirSync(path, { recursive: true, mode });
    if ((statSync(path).mode & 0o777) !== mode) chmodQuietly(path, mode);
}

/** Creates `path` as an empty private file when it does not exist, and makes an existing one private. */
export function ensurePrivateFile(path: string): void {
    try {
        closeSync(openSync(path, 'wx', FileModes.privateFile));
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    restrictFile(path);
}

/** Makes an existing file private (nothing happens when it does not exist). */
export function restrictFile(path: string, mode: number = FileModes.privateFile): void {
    let current: number;
    try {
        current = statSync(path).mode & 0o777;
    } catch {
        return;
    }
    if (current !== mode) chmodQuietly(path, mode);
}

function chmodQuietly(path: string, mode: number): void {
    try {
        chmodSync(path, mode);
    } catch {
        // Not ours to change (another owner): reading and writing it will tell whether it can be used.
    }
}
