import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * The `node_modules` directories of the runtime's own installation, the only places plugins are looked for besides
 * the configured `pluginDirs`: the runtime package's own `node_modules`, and
 * - installed as a dependency (`/app/node_modules/@signal-connectors/host-runtime`): the `node_modules` it sits in;
 * - a source checkout (a workspace package): the `node_modules` of the workspace root, the nearest directory above
 *   it whose package.json declares `workspaces`.
 * Never the working directory, never the `node_modules` of every ancestor: code found there is nobody's choice.
 */
export async function installationNodeModules(runtimeDir: string): Promise<string[]> {
    const dirs = [join(runtimeDir, 'node_modules')];
    for (let dir = dirname(runtimeDir); dirname(dir) !== dir; dir = dirname(dir)) {
        if (basename(dir) === 'node_modules') return [...dirs, dir];
    }
    for (let dir = dirname(runtimeDir); ; dir = dirname(dir)) {
        if (await declaresWorkspaces(join(dir, 'package.json'))) return [...dirs, join(dir, 'node_modules')];
        if (dirname(dir) === dir) return dirs;
    }
}

async function declaresWorkspaces(packageJson: string): Promise<boolean> {
    try {
        const parsed = JSON.parse(await readFile(packageJson, 'utf8')) as { workspaces?: unknown };
        return parsed.workspaces !== undefined;
    } catch {
        return false;
    }
}
