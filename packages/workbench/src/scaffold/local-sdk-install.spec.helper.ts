import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, rename, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is `packages/workbench/dist/scaffold/…`). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const require = createRequire(import.meta.url);

/** The repository's TypeScript compiler and mocha, run with this Node. */
export const TSC = require.resolve('typescript/bin/tsc');
export const MOCHA = require.resolve('mocha/bin/mocha.js');

/** How a child process ended and what it printed. */
export interface ProcessResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** Runs a command to its end (killed after `timeoutMs`), collecting its output. */
export function run(command: string, args: readonly string[], cwd: string, timeoutMs = 60_000): Promise<ProcessResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
        child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
        const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.on('error', reject);
        child.on('close', code => {
            clearTimeout(killer);
            resolve({ code, stdout, stderr });
        });
    });
}

/** Runs `npm <args>` with the npm running this test when there is one, else `npm` on the PATH. */
export function npm(args: readonly string[], cwd: string): Promise<ProcessResult> {
    const npmCli = process.env.npm_execpath;
    return npmCli !== undefined && npmCli.endsWith('.js')
        ? run(process.execPath, [npmCli, ...args], cwd)
        : run('npm', args, cwd);
}

/** The files `npm pack` would put in the tarball of the workspace package `name` (`packages/<name>`). */
export async function packedFiles(name: string): Promise<string[]> {
    const result = await npm(['pack', join(REPO_ROOT, 'packages', name), '--dry-run', '--json', '--ignore-scripts'], REPO_ROOT);
    if (result.code !== 0) throw new Error(`npm pack --dry-run of ${name} failed:\n${result.stderr}`);
    const [{ files }] = JSON.parse(result.stdout) as { files: { path: string }[] }[];
    return files.map(file => file.path);
}

/**
 * Packs the workspace's SDK with `npm pack` into `dir`: exactly what publishing would ship (its `files`).
 * Returns the tarball's path.
 */
export async function packWorkspaceSdk(dir: string): Promise<string> {
    const sdk = join(REPO_ROOT, 'packages', 'connector-sdk');
    const result = await npm(['pack', sdk, '--pack-destination', dir, '--json', '--ignore-scripts'], dir);
    if (result.code !== 0) throw new Error(`npm pack of the SDK failed:\n${result.stderr}`);
    const [{ filename }] = JSON.parse(result.stdout) as { filename: string }[];
    return join(dir, filename.replace(/^@/, '').replace(/\//, '-'));
}

/**
 * Installs the SDK tarball into `packageDir/node_modules` without a registry, as npm would lay it out: the
 * tarball unpacked as `@signal-connectors/connector-sdk` (its own nested dependencies linked from the
 * workspace), copies of its own of the peer dependencies inversify and reflect-metadata (as `npm install`
 * gives a plugin), and links to the repository's installed packages for everything else (TypeScript's types,
 * mocha, chai, the SDK's dependencies).
 */
export async function installLocalSdk(packageDir: string, tarball: string): Promise<void> {
    const modules = join(packageDir, 'node_modules');
    const rootModules = join(REPO_ROOT, 'node_modules');
    const ownCopies = new Set(['inversify', '@inversifyjs', 'reflect-metadata']);
    await mkdir(join(modules, '@signal-connectors'), { recursive: true });
    for (const name of await readdir(rootModules)) {
        if (name === '@signal-connectors' || name.startsWith('.')) continue;
        if (ownCopies.has(name)) await cp(join(rootModules, name), join(modules, name), { recursive: true, dereference: true });
        else await symlink(join(rootModules, name), join(modules, name));
    }
    const unpacked = await run('tar', ['-xzf', tarball, '-C', join(modules, '@signal-connectors')], packageDir);
    if (unpacked.code !== 0) throw new Error(`cannot unpack ${tarball}: ${unpacked.stderr}`);
    const sdk = join(modules, '@signal-connectors', 'connector-sdk');
    await rename(join(modules, '@signal-connectors', 'package'), sdk);
    const nested = join(REPO_ROOT, 'packages', 'connector-sdk', 'node_modules');
    const nestedNames = await readdir(nested).catch(() => [] as string[]);
    if (nestedNames.length > 0) await mkdir(join(sdk, 'node_modules'));
    for (const name of nestedNames) await symlink(join(nested, name), join(sdk, 'node_modules', name));
}
