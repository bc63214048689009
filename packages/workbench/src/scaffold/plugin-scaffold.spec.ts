import { expect } from 'chai';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateManifest } from '@signal-connectors/connector-sdk';
import type { CatalogEntry } from '@signal-connectors/host-runtime';
import { readArtifacts, runCli, tempDir } from '../e2e/cli-process.spec.helper.js';
import {
    installLocalSdk,
    MOCHA,
    packedFiles,
    packWorkspaceSdk,
    REPO_ROOT,
    run,
    TSC
} from './local-sdk-install.spec.helper.js';

interface PackageJson {
    name: string;
    files: string[];
    peerDependencies: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies: Record<string, string>;
    signalConnector: Record<string, unknown>;
}

/** The example API the scaffolded plugin ships, as its compiled module exports it. */
interface ExampleApi {
    startExampleApiServer(options?: { password?: string }): Promise<{ url: string; username: string; close(): Promise<void> }>;
}

const PASSWORD = 'Scaff0ld-Pa55!';

describe('signal-client scaffold: a new plugin, built and run like a plugin author would', function () {
    this.timeout(60_000);
    let work: { path: string; remove: () => Promise<void> };
    let pluginDir: string;
    let scaffolded: Awaited<ReturnType<typeof runCli>>;
    let packageJson: PackageJson;

    before(async function () {
        this.timeout(240_000);
        work = await tempDir('signal-scaffold');
        pluginDir = join(work.path, 'plugins', 'acme-widgets');
        scaffolded = await runCli(['scaffold', 'plugins/acme-widgets', '--id', 'acme.widgets'], { cwd: work.path });
        packageJson = JSON.parse(await readFile(join(pluginDir, 'package.json'), 'utf8')) as PackageJson;
        // The SDK is not published: npm pack of the workspace's SDK stands in for the registry.
        await installLocalSdk(pluginDir, await packWorkspaceSdk(work.path));
    });

    after(async () => {
        await work?.remove();
    });

    it('writes the package and says what to do next', () => {
        expect(scaffolded.code, scaffolded.stderr).to.equal(0);
        for (const file of [
            'package.json',
            'tsconfig.json',
            'README.md',
            '.gitignore',
            'src/index.ts',
            'src/acme-widgets-connector.ts',
            'src/acme-widgets-connector.spec.ts',
            'src/test/example-api-server.ts'
        ])
            expect(scaffolded.stdout).to.contain(`  ${file}\n`);
        expect(scaffolded.stdout).to.contain('npm run build && npm test').and.to.contain('pluginDirs');
    });

    it('declares a valid manifest, its files, and the SDK, inversify and reflect-metadata as peers', async () => {
        const manifest = validateManifest(packageJson.signalConnector);
        expect(manifest.ok, JSON.stringify(manifest)).to.equal(true);
        expect(packageJson.signalConnector).to.deep.include({ id: 'acme.widgets', sdk: '^0.1.0', capabilities: ['items'] });
        expect(packageJson.name).to.equal('signal-connector-acme-widgets');
        expect(packageJson.files).to.include('dist');
        expect(Object.keys(packageJson.peerDependencies).sort()).to.deep.equal([
            '@signal-connectors/connector-sdk',
            'inversify',
            'reflect-metadata'
        ]);
        expect(packageJson.dependencies ?? {}).to.not.have.property('@signal-connectors/connector-sdk');
        // The toolchain the template names is the one this repository builds and tests with.
        const root = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
        for (const [name, range] of Object.entries(packageJson.devDependencies))
            expect(range, name).to.equal(root.devDependencies[name]);
        const tsconfig = JSON.parse(await readFile(join(pluginDir, 'tsconfig.json'), 'utf8')) as {
            compilerOptions: Record<string, unknown>;
        };
        expect(tsconfig.compilerOptions).to.include({ experimentalDecorators: true, emitDecoratorMetadata: true });
    });

    it('builds with TypeScript and passes the SDK contract suite with mocha', async () => {
        const build = await run(process.execPath, [TSC, '-p', '.'], pluginDir, 120_000);
        expect(build.code, build.stdout + build.stderr).to.equal(0);
        const tests = await run(process.execPath, [MOCHA, '--recursive', 'dist/**/*.spec.js'], pluginDir, 120_000);
        expect(tests.code, tests.stdout + tests.stderr).to.equal(0);
        expect(tests.stdout).to.contain('acme.widgets: connector contract');
        expect(tests.stdout).to.contain('resumes from what it committed up to its first artifacts, without a gap');
        expect(tests.stdout).to.contain('ends every stream it runs with a status, none failed against a working server');
        expect(tests.stdout).to.match(/\b1[0-9] passing\b/).and.not.to.contain('failing');
    });

    it('is listed by signal-client catalog when pluginDirs names its parent, and runs with its own SDK copy', async () => {
        // Needs the build of the test above: mocha runs a file's tests in order.
        const api = (await import(pathToFileURL(join(pluginDir, 'dist/test/example-api-server.js')).href)) as ExampleApi;
        const server = await api.startExampleApiServer({ password: PASSWORD });
        try {
            await mkdir(join(work.path, 'service'));
            await writeFile(
                join(work.path, 'service', 'signal-client.yaml'),
                [
                    'dataDir: ./data',
                    'admin: { enabled: false }',
                    'pluginDirs: [../plugins]',
                    'instances:',
                    '  - id: widgets',
                    '    connector: acme.widgets',
                    '    settings:',
                    `      baseUrl: ${server.url}`,
                    `      username: ${server.username}`,
                    '      password: ${env:WIDGETS_PASSWORD}',
                    '      pageSize: 3',
                    ''
                ].join('\n')
            );
            const options = { cwd: join(work.path, 'service'), env: { WIDGETS_PASSWORD: PASSWORD } };
            const config = ['--config', 'signal-client.yaml'];

            const catalog = await runCli(['catalog', '--json', ...config], options);
            expect(catalog.code, catalog.stderr).to.equal(0);
            const entry = (JSON.parse(catalog.stdout) as CatalogEntry[]).find(e => e.id === 'acme.widgets');
            expect(entry).to.include({ displayName: 'Acme Widgets', vendor: 'Acme', authMethod: 'basic' });
            expect(entry!.fields.find(field => field.name === 'password')).to.include({ secret: true });

            const test = await runCli(['test', 'widgets', ...config], options);
            expect(test.code, test.stdout + test.stderr).to.equal(0);
            const poll = await runCli(['poll', 'widgets', ...config], options);
            expect(poll.code, poll.stdout + poll.stderr).to.equal(0);
            const artifacts = await readArtifacts(join(work.path, 'service', 'data', 'artifacts', 'widgets'));
            expect(artifacts.map(a => a.id)).to.have.length(10);
            expect(artifacts[0]).to.include({ type: 'acme.item', id: 'acme.item:item-0001' });
            expect(JSON.stringify(artifacts) + poll.stdout + poll.stderr).to.not.contain(PASSWORD);
        } finally {
            await server.close();
        }
    });

    it('comes from templates the runtime package ships; the SDK tarball ships no tests', async () => {
        const runtime = await packedFiles('host-runtime');
        expect(runtime).to.include.members(['templates/plugin/package.json.tmpl', 'templates/plugin/src/index.ts.tmpl']);
        const sdk = await packedFiles('connector-sdk');
        expect(sdk).to.include.members(['dist/index.js', 'dist/testing/index.js', 'README.md']);
        expect(sdk.filter(path => path.includes('.spec.') || path.startsWith('dist/test/'))).to.deep.equal([]);
    });

    it('refuses a directory that is not empty and an id that is not <vendor>.<product>, with what to do', async () => {
        const again = await runCli(['scaffold', 'plugins/acme-widgets', '--id', 'acme.widgets'], { cwd: work.path });
        expect(again.code).to.equal(1);
        expect(again.stderr).to.contain('already exists and is not empty; choose a new directory');
        const badId = await runCli(['scaffold', 'plugins/other', '--id', 'Acme Widgets'], { cwd: work.path });
        expect(badId.code).to.equal(1);
        expect(badId.stderr).to.contain('<vendor>.<product>').and.to.contain('e.g. acme.widgets');
        expect(badId.stderr).to.not.match(/\n\s+at /);
    });
});
