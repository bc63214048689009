import { expect } from 'chai';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CapturedLogger } from '@signal-connectors/connector-sdk/testing';
import { HOST_RUNTIME_DIR, PluginFixtures } from '../test/plugin-fixtures.js';
import { discoverPlugins } from './plugin-discovery.js';
import { installationNodeModules } from './runtime-installation.js';

describe('discoverPlugins', () => {
    let fixtures: PluginFixtures;
    let logger: CapturedLogger;

    beforeEach(async () => {
        fixtures = await PluginFixtures.create();
        logger = new CapturedLogger();
    });

    afterEach(async () => {
        await fixtures.remove();
    });

    const warnings = (): string[] => logger.messages('warn');

    it('finds plugins among installed dependencies, scoped and symlinked ones included, in a stable order', async () => {
        const app = join(fixtures.root, 'app');
        await fixtures.writePlugin('app/node_modules/zeta-connector', { name: 'zeta-connector' }, 'acme.zeta');
        await fixtures.writePlugin(
            'app/node_modules/@acme/alpha',
            { name: '@acme/alpha', version: '2.1.0', manifestFile: true },
            'acme.alpha'
        );
        await fixtures.writePackage('app/node_modules/left-pad', 'left-pad');
        // A workspace package is a symlink in node_modules.
        const workspace = await fixtures.writePlugin('workspace/beta', { name: '@acme/beta' }, 'acme.beta');
        await symlink(workspace, join(app, 'node_modules', '@acme', 'beta'), 'dir');

        const nodeModulesDirs = [join(app, 'node_modules')];
        const { plugins, skipped } = await discoverPlugins({ nodeModulesDirs, pluginDirs: [], logger });

        expect(skipped).to.deep.equal([]);
        expect(plugins.map(p => p.manifest.id)).to.deep.equal(['acme.alpha', 'acme.beta', 'acme.zeta']);
        const alpha = plugins[0];
        expect(alpha.packageName).to.equal('@acme/alpha');
        expect(alpha.packageVersion).to.equal('2.1.0');
        expect(alpha.packageDir).to.equal(join(app, 'node_modules', '@acme', 'alpha'));
        expect(alpha.entryPath).to.equal(join(alpha.packageDir, 'index.js'));
        expect(warnings()).to.deep.equal([]);
    });

    it("looks in the runtime's own installation only: never an ancestor's node_modules", async () => {
        // Installed as a dependency: the runtime's node_modules and the one it sits in, nothing above.
        const runtime = join(fixtures.root, 'app', 'node_modules', '@signal-connectors', 'host-runtime');
        await mkdir(runtime, { recursive: true });
        await fixtures.writePlugin('app/node_modules/installed', { name: 'installed' }, 'acme.installed');
        await fixtures.writePlugin(
            'app/node_modules/@signal-connectors/host-runtime/node_modules/own',
            { name: 'own' },
            'acme.own'
        );
        await fixtures.writePlugin('node_modules/above', { name: 'above' }, 'acme.above');
        expect(await installationNodeModules(runtime)).to.deep.equal([
            join(runtime, 'node_modules'),
            join(fixtures.root, 'app', 'node_modules')
        ]);
        const { plugins } = await discoverPlugins({
            nodeModulesDirs: await installationNodeModules(runtime),
            pluginDirs: [],
            logger
        });
        expect(plugins.map(p => p.manifest.id)).to.deep.equal(['acme.own', 'acme.installed']);

        // A source checkout: the workspace root's node_modules, not those of the directories above it.
        const checkout = join(fixtures.root, 'checkout');
        await mkdir(join(checkout, 'packages', 'host-runtime'), { recursive: true });
        await writeFile(join(checkout, 'package.json'), JSON.stringify({ name: 'repo', workspaces: ['packages/*'] }));
        expect(await installationNodeModules(join(checkout, 'packages', 'host-runtime'))).to.deep.equal([
            join(checkout, 'packages', 'host-runtime', 'node_modules'),
            join(checkout, 'node_modules')
        ]);
    });

    it('lists a package reached twice (hoisted, or a symlinked workspace) once', async () => {
        const app = join(fixtures.root, 'app');
        const workspace = await fixtures.writePlugin('workspace/one', { name: 'one' }, 'acme.one');
        await mkdir(join(app, 'node_modules'), { recursive: true });
        await symlink(workspace, join(app, 'node_modules', 'one'), 'dir');
        const { plugins } = await discoverPlugins({
            nodeModulesDirs: [join(app, 'node_modules')],
            pluginDirs: [workspace],
            logger
        });
        expect(plugins.map(p => p.manifest.id)).to.deep.equal(['acme.one']);
    });

    it('skips a plugin whose entry leads outside its package through a symbolic link', async () => {
        const dir = await fixtures.writePlugin('plugins/sneaky', { name: 'sneaky', entry: null }, 'acme.sneaky');
        const outside = join(fixtures.root, 'elsewhere.js');
        await writeFile(outside, 'export default 1;\n');
        await symlink(outside, join(dir, 'index.js'));
        const { plugins, skipped } = await discoverPlugins({ nodeModulesDirs: [], pluginDirs: [dir], logger });
        expect(plugins).to.deep.equal([]);
        expect(skipped[0].reasons).to.deep.equal([
            `entry 'index.js' leads outside the package (to ${outside}) through a symbolic link`
        ]);
        expect(warnings()[0]).to.contain('Skipping connector plugin');
    });

    it('loads plugin dirs that are a package themselves or hold packages as subfolders', async () => {
        const single = await fixtures.writePlugin('extra/single', { name: 'single' }, 'acme.single');
        await fixtures.writePlugin('plugins/one', { name: 'one' }, 'acme.one');
        await fixtures.writePlugin('plugins/@scope/two', { name: '@scope/two' }, 'acme.two');

        const { plugins } = await discoverPlugins({
            nodeModulesDirs: [],
            pluginDirs: [single, join(fixtures.root, 'plugins')],
            logger
        });

        // Folders in name order: '@scope' sorts before 'one', as npm lists them.
        expect(plugins.map(p => p.manifest.id)).to.deep.equal(['acme.single', 'acme.two', 'acme.one']);
    });

    it('skips a broken manifest with one warning listing every problem, and loads the others', async () => {
        const broken = PluginFixtures.manifest('Bad Id', {
            entry: '/abs/index.js',
            docsUrl: 'not a url',
            defaults: { pollingInterval: 'soon' }
        });
        delete broken.vendor;
        const dir = await fixtures.writePlugin('plugins/broken', { name: 'broken-plugin', manifest: broken });
        await fixtures.writePlugin('plugins/good', { name: 'good-plugin' }, 'acme.good');

        const { plugins, skipped } = await discoverPlugins({
            nodeModulesDirs: [],
            pluginDirs: [join(fixtures.root, 'plugins')],
            logger
        });

        expect(plugins.map(p => p.manifest.id)).to.deep.equal(['acme.good']);
        expect(skipped).to.have.length(1);
        expect(skipped[0].packageDir).to.equal(dir);
        expect(skipped[0].reasons.length).to.be.greaterThanOrEqual(4);
        expect(warnings()).to.have.length(1);
        const line = warnings()[0];
        expect(line).to.contain(dir).and.to.contain('broken-plugin');
        for (const field of ['id', 'vendor', 'entry', 'docsUrl', 'defaults.pollingInterval'])
            expect(line).to.contain(field);
    });

    it('skips a plugin built for an incompatible SDK, saying which side to upgrade', async () => {
        await fixtures.writePlugin('plugins/old', {
            name: 'old-plugin',
            manifest: PluginFixtures.manifest('acme.old', { sdk: '^9.0.0' })
        });

        const { plugins, skipped } = await discoverPlugins({
            nodeModulesDirs: [],
            pluginDirs: [join(fixtures.root, 'plugins')],
            logger
        });

        expect(plugins).to.deep.equal([]);
        expect(skipped[0].id).to.equal('acme.old');
        expect(warnings()).to.have.length(1);
        expect(warnings()[0]).to.contain('^9.0.0').and.to.contain('upgrade the host runtime');
    });

    it('skips a plugin whose entry file is missing, and one whose manifest file is missing or not JSON', async () => {
        await fixtures.writePlugin('plugins/a-no-entry', { name: 'no-entry', entry: null }, 'acme.no-entry');
        const noFile = await fixtures.writePlugin('plugins/b-no-file', { name: 'no-file' }, 'acme.no-file');
        await writeFile(
            join(noFile, 'package.json'),
            JSON.stringify({ name: 'no-file', version: '1.0.0', signalConnector: './missing.json' })
        );
        const badJson = await fixtures.writePlugin(
            'plugins/c-bad-json',
            { name: 'bad-json', manifestFile: true },
            'acme.bad-json'
        );
        await writeFile(join(badJson, 'connector.json'), '{ "id": ');

        const { plugins, skipped } = await discoverPlugins({
            nodeModulesDirs: [],
            pluginDirs: [join(fixtures.root, 'plugins')],
            logger
        });

        expect(plugins).to.deep.equal([]);
        expect(skipped.map(s => s.reasons.join(' '))).to.satisfy(
            (reasons: string[]) =>
                reasons[0].includes("entry 'index.js' does not exist") &&
                reasons[1].includes('does not exist') &&
                reasons[2].includes('not valid JSON')
        );
        expect(warnings()).to.have.length(3);
    });

    it('keeps the first of two packages with the same id and names both in the warning', async () => {
        const first = await fixtures.writePlugin(
            'plugins/a-first',
            { name: 'first-copy', version: '1.0.0' },
            'acme.same'
        );
        const second = await fixtures.writePlugin(
            'plugins/b-second',
            { name: 'second-copy', version: '1.1.0' },
            'acme.same'
        );

        const { plugins, skipped } = await discoverPlugins({
            nodeModulesDirs: [],
            pluginDirs: [join(fixtures.root, 'plugins')],
            logger
        });

        expect(plugins.map(p => p.packageDir)).to.deep.equal([first]);
        expect(skipped.map(s => s.packageDir)).to.deep.equal([second]);
        expect(warnings()).to.have.length(1);
        expect(warnings()[0])
            .to.contain("duplicate connector id 'acme.same'")
            .and.to.contain(first)
            .and.to.contain(second);
    });

    it('ignores packages without a signalConnector field and tolerates missing dirs', async () => {
        await fixtures.writePackage('app/node_modules/plain', 'plain');

        const result = await discoverPlugins({
            nodeModulesDirs: [join(fixtures.root, 'app', 'node_modules')],
            pluginDirs: [join(fixtures.root, 'nowhere')],
            logger
        });

        expect(result).to.deep.equal({ plugins: [], skipped: [] });
        expect(logger.entries.filter(e => e.level !== 'debug')).to.deep.equal([]);
    });

    it('discovers the Qualys plugin installed with the host runtime', async () => {
        const nodeModulesDirs = await installationNodeModules(HOST_RUNTIME_DIR);
        const { plugins } = await discoverPlugins({ nodeModulesDirs, pluginDirs: [], logger });

        const qualys = plugins.find(p => p.manifest.id === 'signal-client.qualys');
        expect(
            qualys,
            `found: ${plugins.map(p => p.manifest.id).join(', ')}; warnings: ${warnings().join(' | ')}`
        ).to.not.equal(undefined);
        expect(qualys!.packageName).to.equal('@signal-connectors/qualys-plugin');
        expect(qualys!.manifest.auth.method).to.equal('basic');
    });
});
