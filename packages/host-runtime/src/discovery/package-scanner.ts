import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** A package directory found while scanning, with its parsed package.json. */
export interface ScannedPackage {
    /** The directory as reached (may go through a symlink, e.g. a workspace package in node_modules). */
    packageDir: string;
    /** The real path, used to recognise the same package reached twice. */
    realDir: string;
    packageJson: Record<string, unknown>;
}

/** A package.json that could not be read or parsed; only reported when it declares a plugin. */
export interface UnreadablePackage {
    packageDir: string;
    reason: string;
}

/** What {@link scanPackages} found: plugin candidates (with a `signalConnector` field), in a stable order. */
export interface PackageScan {
    candidates: ScannedPackage[];
    unreadable: UnreadablePackage[];
}

/**
 * Lists the package directories that may hold connector plugins, in a deterministic order:
 * 1. the packages of each `node_modules` dir, in the order given, entries sorted by name, `@scope/*` folders
 *    expanded (no other directory is looked at: see `installationNodeModules`);
 * 2. each extra plugin dir: the dir itself when it is a package, otherwise its subfolders (and `@scope/*`).
 * A package reached twice (hoisting, symlinked workspaces) is listed once. Only packages whose package.json
 * has a `signalConnector` field are returned: every other dependency is ignored silently.
 */
export async function scanPackages(
    nodeModulesDirs: readonly string[],
    pluginDirs: readonly string[]
): Promise<PackageScan> {
    const dirs: string[] = [];
    for (const nodeModules of new Set(nodeModulesDirs.map(dir => resolve(dir)))) {
        dirs.push(...(await packageDirsIn(nodeModules)));
    }
    for (const pluginDir of pluginDirs) {
        const dir = resolve(pluginDir);
        if (await isFile(join(dir, 'package.json'))) dirs.push(dir);
        else dirs.push(...(await packageDirsIn(dir)));
    }

    const scan: PackageScan = { candidates: [], unreadable: [] };
    const seenReal = new Set<string>();
    // Reading in parallel keeps start-up fast with hundreds of dependencies; the order stays that of `dirs`.
    const reads = await Promise.all(dirs.map(readPackage));
    for (const read of reads) {
        if (read === undefined) continue;
        if ('reason' in read) {
            scan.unreadable.push(read);
            continue;
        }
        if (seenReal.has(read.realDir)) continue;
        seenReal.add(read.realDir);
        if (read.packageJson.signalConnector !== undefined) scan.candidates.push(read);
    }
    return scan;
}

/** Package folders directly inside `dir` (sorted), `@scope/*` expanded; hidden folders and `.bin` skipped. */
async function packageDirsIn(dir: string): Promise<string[]> {
    const result: string[] = [];
    for (const name of await listDirs(dir)) {
        if (name.startsWith('.')) continue;
        const path = join(dir, name);
        if (name.startsWith('@')) {
            for (const scoped of await listDirs(path)) {
                if (!scoped.startsWith('.')) result.push(join(path, scoped));
            }
        } else {
            result.push(path);
        }
    }
    return result;
}

/** Names of the subdirectories of `dir` (symlinks to directories included), sorted; none if it does not exist. */
async function listDirs(dir: string): Promise<string[]> {
    let entries;
    try {
        entries = await readdir(dir, { withFileTypes: true });
    } catch {
        return [];
    }
    const names: string[] = [];
    for (const entry of entries) {
        if (entry.isDirectory()) names.push(entry.name);
        else if (entry.isSymbolicLink() && (await isDirectory(join(dir, entry.name)))) names.push(entry.name);
    }
    return names.sort();
}

/**
 * Reads `<dir>/package.json`. A folder without one is not a package (undefined). A package.json that cannot be
 * parsed is reported only if its text mentions `signalConnector`: a broken unrelated dependency is not our business.
 */
async function readPackage(packageDir: string): Promise<ScannedPackage | UnreadablePackage | undefined> {
    let text: string;
    try {
        text = await readFile(join(packageDir, 'package.json'), 'utf8');
    } catch {
        return undefined;
    }
    try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
            throw new Error('not a JSON object');
        return { packageDir, realDir: await realpath(packageDir), packageJson: parsed as Record<string, unknown> };
    } catch (error) {
        if (!text.includes('signalConnector')) return undefined;
        return { packageDir, reason: `package.json is not valid JSON: ${(error as Error).message}` };
    }
}

/** True when `path` is an existing regular file (following symlinks). */
export async function isFile(path: string): Promise<boolean> {
    try {
        return (await stat(path)).isFile();
    } catch {
        return false;
    }
}

async function isDirectory(path: string): Promise<boolean> {
    try {
        return (await stat(path)).isDirectory();
    } catch {
        return false;
    }
}
