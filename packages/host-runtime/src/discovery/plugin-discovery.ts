import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import {
    checkSdkCompatibility,
    validateManifest,
    type ConnectorManifest,
    type Logger
} from '@signal-connectors/connector-sdk';
import { isFile, scanPackages, type ScannedPackage } from './package-scanner.js';

/** A plugin package whose manifest is valid, whose SDK range this host satisfies and whose entry file exists. */
export interface DiscoveredPlugin {
    manifest: ConnectorManifest;
    packageName: string;
    packageVersion: string;
    /** The package directory as found (may be a symlink, e.g. a workspace package). */
    packageDir: string;
    /** Absolute path of the manifest's `entry` module, symbolic links resolved: it lies inside the package. */
    entryPath: string;
}

/** A plugin package that was not loaded, and every reason why. */
export interface SkippedPlugin {
    packageDir: string;
    packageName?: string;
    /** The manifest id, when the manifest got far enough to have one. */
    id?: string;
    reasons: string[];
}

/** Where {@link discoverPlugins} looks, and where it reports what it skipped. */
export interface DiscoveryOptions {
    /** The `node_modules` dirs scanned, and only those: the runtime's installation (`installationNodeModules`). */
    nodeModulesDirs: readonly string[];
    /** Extra dirs: each is a plugin package itself, or holds plugin packages as subfolders. */
    pluginDirs: readonly string[];
    logger: Logger;
}

/** The outcome of {@link discoverPlugins}. */
export interface DiscoveryResult {
    plugins: DiscoveredPlugin[];
    skipped: SkippedPlugin[];
}

/**
 * Finds connector plugins: installed packages and packages in extra plugin dirs whose package.json has a
 * `signalConnector` field (the manifest, or the path of a JSON file holding it). Each manifest is validated, its
 * `sdk` range checked against this host's SDK and its entry file looked for. A broken, incompatible or duplicate
 * plugin (an id already provided by a package found earlier, see `scanPackages` for the order) is skipped with one
 * warning naming the package dir and every reason; the others are returned. Never imports plugin code.
 */
export async function discoverPlugins(options: DiscoveryOptions): Promise<DiscoveryResult> {
    const scan = await scanPackages(options.nodeModulesDirs, options.pluginDirs);
    const result: DiscoveryResult = { plugins: [], skipped: [] };
    const skip = (skipped: SkippedPlugin & { lead?: string }): void => {
        const { lead, ...plugin } = skipped;
        result.skipped.push(plugin);
        const name = skipped.packageName === undefined ? '' : ` (${skipped.packageName})`;
        options.logger.warn(
            `Skipping connector plugin at ${skipped.packageDir}${name}: ${lead ?? ''}${skipped.reasons.join('; ')}`,
            {
                packageDir: skipped.packageDir,
                packageName: skipped.packageName,
                connector: skipped.id,
                reasons: skipped.reasons
            }
        );
    };

    for (const unreadable of scan.unreadable) skip({ packageDir: unreadable.packageDir, reasons: [unreadable.reason] });
    const byId = new Map<string, DiscoveredPlugin>();
    for (const candidate of scan.candidates) {
        const checked = await checkCandidate(candidate);
        if ('reasons' in checked) {
            skip(checked);
            continue;
        }
        const first = byId.get(checked.manifest.id);
        if (first !== undefined) {
            skip({
                packageDir: checked.packageDir,
                packageName: checked.packageName,
                id: checked.manifest.id,
                reasons: [
                    `duplicate connector id '${checked.manifest.id}': already provided by ${first.packageName}@${first.packageVersion} ` +
                        `at ${first.packageDir}; uninstall one of them`
                ]
            });
            continue;
        }
        byId.set(checked.manifest.id, checked);
        result.plugins.push(checked);
        options.logger.debug(`Found connector plugin ${checked.manifest.id} in ${checked.packageDir}`, {
            connector: checked.manifest.id,
            packageName: checked.packageName,
            packageVersion: checked.packageVersion
        });
    }
    return result;
}

/** Reads, validates and checks one candidate; returns the plugin or every reason to skip it. */
async function checkCandidate(
    candidate: ScannedPackage
): Promise<DiscoveredPlugin | (SkippedPlugin & { lead?: string })> {
    const { packageDir, packageJson } = candidate;
    const packageName = typeof packageJson.name === 'string' ? packageJson.name : '(unnamed package)';
    const packageVersion = typeof packageJson.version === 'string' ? packageJson.version : '0.0.0';
    const skipped = (reasons: string[], id?: string): SkippedPlugin => ({ packageDir, packageName, id, reasons });

    const raw = await readManifest(packageDir, packageJson.signalConnector);
    if ('reason' in raw) return skipped([raw.reason]);
    const validation = validateManifest(raw.manifest);
    if (!validation.ok) {
        const id = isRecord(raw.manifest) && typeof raw.manifest.id === 'string' ? raw.manifest.id : undefined;
        const where = raw.file === undefined ? "package.json 'signalConnector'" : relative(packageDir, raw.file);
        const reasons = validation.problems.map(
            p => `${p.path === '' ? '' : `${p.path} `}${p.message}${p.hint === undefined ? '' : ` (${p.hint})`}`
        );
        return { ...skipped(reasons, id), lead: `invalid manifest in ${where}: ` };
    }

    const manifest = validation.manifest;
    const reasons: string[] = [];
    const compatibility = checkSdkCompatibility(manifest.sdk);
    if (!compatibility.ok) reasons.push(compatibility.reason);
    let entryPath = resolve(packageDir, manifest.entry);
    if (!isInside(packageDir, entryPath)) {
        reasons.push(`entry '${manifest.entry}' points outside the package`);
    } else if (!(await isFile(entryPath))) {
        reasons.push(`entry '${manifest.entry}' does not exist (${entryPath}); build the plugin or fix 'entry'`);
    } else {
        // What is imported is the file a symbolic link leads to: that must be inside the package too.
        entryPath = await realpath(entryPath);
        if (!isInside(candidate.realDir, entryPath)) {
            reasons.push(
                `entry '${manifest.entry}' leads outside the package (to ${entryPath}) through a symbolic link`
            );
        }
    }
    if (reasons.length > 0) return skipped(reasons, manifest.id);
    return { manifest, packageName, packageVersion, packageDir, entryPath };
}

/** The raw manifest: the `signalConnector` object itself, or the parsed JSON file it names. */
async function readManifest(
    packageDir: string,
    field: unknown
): Promise<{ manifest: unknown; file?: string } | { reason: string }> {
    if (isRecord(field)) return { manifest: field };
    if (typeof field !== 'string' || field.trim() === '') {
        return {
            reason: "package.json 'signalConnector' must be the manifest object or the path of a JSON file such as './connector.json'"
        };
    }
    const file = resolve(packageDir, field);
    if (!isInside(packageDir, file))
        return { reason: `package.json 'signalConnector' path '${field}' points outside the package` };
    let text: string;
    try {
        text = await readFile(file, 'utf8');
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return {
            reason: `manifest file '${field}' ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`
        };
    }
    try {
        return { manifest: JSON.parse(text) as unknown, file };
    } catch (error) {
        return { reason: `manifest file '${field}' is not valid JSON: ${(error as Error).message}` };
    }
}

function isInside(dir: string, path: string): boolean {
    const rel = relative(dir, path);
    // On Windows a path on another drive comes back absolute.
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
