import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The host-runtime package dir (this file is compiled to `dist/test/`). */
export const HOST_RUNTIME_DIR = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What a fixture plugin's entry module does when imported; `crashes-in-poll` and `rejects-in-poll` load well, but
 * their poll delivers one batch and then throws from a timer, or leaves a promise rejection unhandled.
 */
export type EntryKind = 'good' | 'throws' | 'no-connector' | 'no-default' | 'crashes-in-poll' | 'rejects-in-poll';

/** A fixture plugin package. */
export interface FixturePlugin {
    name: string;
    version?: string;
    /** The manifest (or anything else, for broken ones); default {@link PluginFixtures.manifest} of `id`. */
    manifest?: unknown;
    /** Put the manifest in `connector.json` and point `signalConnector` at it (default: inline). */
    manifestFile?: boolean;
    /** What the entry does; `null` writes no entry file. Default `good`. */
    entry?: EntryKind | null;
}

/**
 * Temp dirs holding plugin packages for tests, outside the repo. The temp root gets a `node_modules` with
 * symlinks to the repo's `inversify` and SDK only, so fixture entries import the very same modules (and DI tokens)
 * as the host, while discovery scanning the temp root sees nothing else.
 */
export class PluginFixtures {
    private constructor(readonly root: string) {}

    static async create(): Promise<PluginFixtures> {
        const root = await mkdtemp(join(tmpdir(), 'signal-plugins-'));
        for (const name of ['inversify', '@signal-connectors/connector-sdk']) {
            const target = findPackageDir(name);
            await mkdir(dirname(join(root, 'node_modules', name)), { recursive: true });
            await symlink(target, join(root, 'node_modules', name), 'dir');
        }
        return new PluginFixtures(root);
    }

    /** A valid manifest for `id`, with `overrides` applied. */
    static manifest(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
        return {
            id,
            displayName: `Fixture ${id}`,
            description: 'A connector used by the host-runtime tests.',
            vendor: 'Acme',
            category: 'Testing',
            sdk: '^0.1.0',
            entry: 'index.js',
            auth: { method: 'basic' },
            configSchema: {
                type: 'object',
                additionalProperties: false,
                required: ['url'],
                properties: {
                    url: { type: 'string', title: 'URL', examples: ['https://api.example.com'] },
                    password: { type: 'string', writeOnly: true, examples: ['example-secret-value'] }
                }
            },
            defaults: { pollingInterval: '30m' },
            multiInstance: true,
            capabilities: ['records'],
            docsUrl: 'https://example.com/docs',
            ...overrides
        };
    }

    /** Writes a plugin package at `relativeDir` (under the temp root); returns its absolute dir. */
    async writePlugin(relativeDir: string, plugin: FixturePlugin, id = plugin.name): Promise<string> {
        const dir = join(this.root, relativeDir);
        await mkdir(dir, { recursive: true });
        const manifest = plugin.manifest ?? PluginFixtures.manifest(id);
        const packageJson: Record<string, unknown> = {
            name: plugin.name,
            version: plugin.version ?? '1.0.0',
            type: 'module'
        };
        if (plugin.manifestFile === true) {
            await writeFile(join(dir, 'connector.json'), JSON.stringify(manifest, null, 2));
            packageJson.signalConnector = './connector.json';
        } else {
            packageJson.signalConnector = manifest;
        }
        await writeFile(join(dir, 'package.json'), JSON.stringify(packageJson, null, 2));
        const entry = plugin.entry === undefined ? 'good' : plugin.entry;
        if (entry !== null) await writeFile(join(dir, 'index.js'), entrySource(entry));
        return dir;
    }

    /** Writes an ordinary package (no `signalConnector`). */
    async writePackage(relativeDir: string, name: string): Promise<string> {
        const dir = join(this.root, relativeDir);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0' }));
        return dir;
    }

    async remove(): Promise<void> {
        await rm(this.root, { recursive: true, force: true });
    }
}

/** Plain ESM source of a fixture entry module. */
export function entrySource(kind: EntryKind): string {
    const imports =
        "import { ContainerModule } from 'inversify';\nimport { Connector } from '@signal-connectors/connector-sdk';\n";
    const connector = `
class FixtureConnector {
    validateConfig(raw) {
        if (typeof raw !== 'object' || raw === null || typeof raw.url !== 'string') {
            return { ok: false, problems: [{ path: 'url', message: 'is required' }] };
        }
        return { ok: true, config: raw, secrets: typeof raw.password === 'string' ? [raw.password] : [] };
    }
    async testConnection(config) { return { ok: true, message: 'reached ' + config.url }; }
    async *poll() {}
}
`;
    const failingPoll = (failure: string): string =>
        connector.replace(
            'async *poll() {}',
            `async *poll(config) {
        yield { stream: 'default', artifacts: [{ id: 'a-1', type: 'fixture', time: new Date(0).toISOString(), source: { connector: 'fixture', instance: 'fixture' }, data: {} }], checkpoint: { at: 1 } };
        setTimeout(() => { ${failure}; }, 10);
        await new Promise(() => {});
    }`
        );
    const bind = (source: string): string =>
        `${imports}${source}export default new ContainerModule(options => { options.bind(Connector).toConstantValue(new FixtureConnector()); });\n`;
    switch (kind) {
        case 'crashes-in-poll':
            return bind(failingPoll("throw new TypeError('fixture timer blew up with ' + config.password)"));
        case 'rejects-in-poll':
            return bind(failingPoll("Promise.reject(new RangeError('fixture promise went wrong'))"));
        case 'good':
            return `${imports}${connector}export default new ContainerModule(options => { options.bind(Connector).toConstantValue(new FixtureConnector()); });\n`;
        case 'throws':
            return `${imports}throw new Error('fixture entry exploded on import');\n`;
        case 'no-connector':
            return `${imports}export default new ContainerModule(() => {});\n`;
        case 'no-default':
            return `${imports}${connector}export const connector = new FixtureConnector();\n`;
    }
}

/** The dir of an installed package, looked up from this package upwards like Node does. */
function findPackageDir(name: string): string {
    for (let dir = HOST_RUNTIME_DIR; ; dir = dirname(dir)) {
        const candidate = join(dir, 'node_modules', name);
        if (existsSync(join(candidate, 'package.json'))) return candidate;
        if (dirname(dir) === dir) throw new Error(`cannot find the package ${name} from ${HOST_RUNTIME_DIR}`);
    }
}
