import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SDK_VERSION } from '@signal-connectors/connector-sdk';
import type { PluginNames } from './plugin-names.js';

/** The plugin template, shipped with the runtime package (`templates/plugin`; this file is `dist/scaffold/…`). */
export const PLUGIN_TEMPLATE_DIR = fileURLToPath(new URL('../../templates/plugin/', import.meta.url));

/** What {@link scaffoldPlugin} wrote. */
export interface ScaffoldResult {
    /** The new package's directory. */
    dir: string;
    /** The files written, relative to `dir`, sorted. */
    files: string[];
}

/** Thrown when the target directory cannot take a new plugin; the message says what to do. */
export class ScaffoldError extends Error {
    override readonly name = 'ScaffoldError';
}

/**
 * Writes a new plugin package into `dir` (created; it must not exist or be empty) from the runtime's template:
 * every `*.tmpl` file with its `{{name}}` placeholders filled in from `names` and the version ranges of the SDK,
 * inversify and reflect-metadata this runtime is built with. `gitignore.tmpl` becomes `.gitignore` (npm would
 * drop a `.gitignore` from the runtime's own package).
 */
export async function scaffoldPlugin(dir: string, names: PluginNames): Promise<ScaffoldResult> {
    await ensureEmptyDirectory(dir);
    const values: Record<string, string> = { ...names, ...(await dependencyRanges()) };
    const files: string[] = [];
    const entries = await readdir(PLUGIN_TEMPLATE_DIR, { recursive: true, withFileTypes: true });
    for (const entry of entries) {
        if (!entry.isFile() || !entry.name.endsWith('.tmpl')) continue;
        const source = join(entry.parentPath, entry.name);
        const templatePath = relative(PLUGIN_TEMPLATE_DIR, source).slice(0, -'.tmpl'.length);
        const target = fill(templatePath === 'gitignore' ? '.gitignore' : templatePath, values, templatePath);
        const text = await readFile(source, 'utf8');
        // Values go into JSON strings there, so they are escaped as JSON; elsewhere they are validated names.
        const escape = target.endsWith('.json') ? (value: string) => JSON.stringify(value).slice(1, -1) : undefined;
        await mkdir(dirname(join(dir, target)), { recursive: true });
        await writeFile(join(dir, target), fill(text, values, templatePath, escape), { flag: 'wx' });
        files.push(target);
    }
    return { dir, files: files.sort() };
}

/** Replaces every `{{name}}`; a placeholder without a value is a bug in the template and fails loudly. */
function fill(text: string, values: Record<string, string>, template: string, escape?: (value: string) => string) {
    return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
        if (!Object.hasOwn(values, name)) throw new Error(`template ${template} uses an unknown placeholder {{${name}}}`);
        return escape === undefined ? values[name] : escape(values[name]);
    });
}

/** The version ranges a plugin's peer dependencies should accept: the ones this runtime runs with. */
async function dependencyRanges(): Promise<Record<string, string>> {
    const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
    const dependencies = (JSON.parse(text) as { dependencies: Record<string, string> }).dependencies;
    return {
        sdkRange: `^${SDK_VERSION}`,
        inversifyRange: dependencies.inversify,
        reflectMetadataRange: dependencies['reflect-metadata']
    };
}

async function ensureEmptyDirectory(dir: string): Promise<void> {
    let existing: string[];
    try {
        existing = await readdir(dir);
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return;
        if (code === 'ENOTDIR') throw new ScaffoldError(`${dir} is a file; choose a new directory for the plugin`);
        throw new ScaffoldError(`${dir} cannot be read (${code}); choose another directory for the plugin`);
    }
    if (existing.length > 0) {
        throw new ScaffoldError(`${dir} already exists and is not empty; choose a new directory for the plugin`);
    }
}
