import { expect } from 'chai';
import { join } from 'node:path';
import { ContainerModule, inject, injectable } from 'inversify';
import {
    Clock,
    Connector,
    ConnectorError,
    ConnectorMetrics,
    HttpClientFactory,
    InstanceContext,
    InstanceId,
    LoggerFactory,
    PluginManifest,
    PluginStore,
    type ConnectorContext,
    type ConnectorManifest
} from '@signal-connectors/connector-sdk';
import { CapturedLogger } from '@signal-connectors/connector-sdk/testing';
import { RuntimeConfig } from '../config/runtime-config.js';
import { discoverPlugins } from '../discovery/plugin-discovery.js';
import { RuntimeMetrics } from '../metrics/runtime-metrics.js';
import { ArtifactSink } from '../sink/artifact-sink.js';
import { StateStore } from '../state/state-store.js';
import { CapturedLoggerFactory } from '../test/captured-logger-factory.js';
import { InMemoryStateStore } from '../test/in-memory-state-store.js';
import { PluginFixtures } from '../test/plugin-fixtures.js';
import { ScriptedConnector } from '../test/scripted-connector.js';
import { createTestHost, testConfig, virtualPlugin } from '../test/test-host.js';
import { createTestServices } from '../test/test-sdk-module.js';
import { ConnectorHost } from './connector-host.js';

describe('ConnectorHost', () => {
    describe('with plugin packages on disk', () => {
        let fixtures: PluginFixtures;

        beforeEach(async () => {
            fixtures = await PluginFixtures.create();
        });

        afterEach(async () => {
            await fixtures.remove();
        });

        it('imports each plugin an instance uses into its own container, skipping broken ones with one line each', async () => {
            const plugins = join(fixtures.root, 'plugins');
            await fixtures.writePlugin('plugins/a-good', { name: 'good' }, 'acme.good');
            await fixtures.writePlugin('plugins/b-throws', { name: 'throws', entry: 'throws' }, 'acme.throws');
            await fixtures.writePlugin('plugins/c-unbound', { name: 'unbound', entry: 'no-connector' }, 'acme.unbound');
            await fixtures.writePlugin(
                'plugins/d-no-default',
                { name: 'no-default', entry: 'no-default' },
                'acme.no-default'
            );
            await fixtures.writePlugin('plugins/e-other', { name: 'other' }, 'acme.other');
            const discovery = await discoverPlugins({
                nodeModulesDirs: [],
                pluginDirs: [plugins],
                logger: new CapturedLogger()
            });
            expect(discovery.plugins).to.have.length(5);
            const services = createTestServices();

            const host = await ConnectorHost.create({
                config: testConfig([
                    { id: 'good-1', connector: 'acme.good' },
                    { id: 'other-1', connector: 'acme.other' },
                    { id: 'broken-1', connector: 'acme.throws' },
                    { id: 'unbound-1', connector: 'acme.unbound' },
                    { id: 'no-default-1', connector: 'acme.no-default' }
                ]),
                plugins: discovery.plugins,
                state: new InMemoryStateStore(),
                metrics: new RuntimeMetrics({ processMetrics: false }),
                sdkModule: services.module
            });

            expect(host.plugins.map(p => p.manifest.id)).to.deep.equal(['acme.good', 'acme.other']);
            expect(host.skipped.map(s => s.id)).to.deep.equal(['acme.throws', 'acme.unbound', 'acme.no-default']);
            const warnings = services.loggers.root.messages('warn');
            expect(warnings).to.have.length(3);
            expect(warnings[0]).to.contain('acme.throws').and.to.contain('fixture entry exploded on import');
            expect(warnings[1]).to.contain('acme.unbound').and.to.contain('does not bind the Connector token');
            expect(warnings[2]).to.contain('acme.no-default').and.to.contain('default export');
            expect(host.instances.map(i => i.id)).to.deep.equal(['good-1', 'other-1']);
            expect(host.problems.map(problem => problem.path)).to.deep.equal([
                'instances[2].connector',
                'instances[3].connector',
                'instances[4].connector'
            ]);
            expect(host.problems[0]).to.deep.equal({
                path: 'instances[2].connector',
                message: `connector 'acme.throws' is installed but could not be loaded: ${host.skipped[0].reasons[0]}`
            });
            expect(await host.testConnection('good-1')).to.deep.equal({
                ok: true,
                message: 'reached https://api.example.com'
            });
        });

        it('runs no code of a plugin no instance uses, yet lists it in the catalog', async () => {
            await fixtures.writePlugin('plugins/a-good', { name: 'good' }, 'acme.good');
            await fixtures.writePlugin('plugins/b-throws', { name: 'throws', entry: 'throws' }, 'acme.throws');
            const discovery = await discoverPlugins({
                nodeModulesDirs: [],
                pluginDirs: [join(fixtures.root, 'plugins')],
                logger: new CapturedLogger()
            });
            const services = createTestServices();
            const host = await ConnectorHost.create({
                config: testConfig([{ id: 'good-1', connector: 'acme.good' }]),
                plugins: discovery.plugins,
                state: new InMemoryStateStore(),
                metrics: new RuntimeMetrics({ processMetrics: false }),
                sdkModule: services.module
            });

            // The entry that throws on import was never imported: no warning, nothing skipped.
            expect(host.plugins.map(p => p.manifest.id)).to.deep.equal(['acme.good']);
            expect(host.skipped).to.deep.equal([]);
            expect(services.loggers.root.messages('warn')).to.deep.equal([]);
            expect(host.catalog().map(entry => entry.id)).to.deep.equal(['acme.good', 'acme.throws']);
            expect(host.manifestOf('acme.throws')?.displayName).to.equal('Fixture acme.throws');

            // An instance made later (in the console) loads its plugin then, once.
            await host.use('acme.throws');
            await host.use('acme.throws');
            expect(host.skipped.map(plugin => plugin.id)).to.deep.equal(['acme.throws']);
            expect(services.loggers.root.messages('warn')).to.have.length(1);
            expect(host.catalog().map(entry => entry.id)).to.deep.equal(['acme.good']);
        });
    });

    it('builds root -> plugin -> instance containers with the SDK tokens bound', async () => {
        const connector = new ScriptedConnector();
        const config = testConfig([{ id: 'alpha-1', connector: 'acme.alpha' }]);
        const { host, state, services } = await createTestHost([virtualPlugin('acme.alpha', connector)], config);

        const [instance] = host.instances;
        expect(host.container.get(Clock)).to.equal(services.clock);
        expect(instance.plugin.container.get<ConnectorManifest>(PluginManifest).id).to.equal('acme.alpha');
        expect(instance.plugin.container.get(PluginStore)).to.equal(state.keyValueStore('plugin:acme.alpha'));
        expect(instance.container.get(InstanceId)).to.equal('alpha-1');
        expect(instance.container.get(Connector)).to.equal(connector);
        const context = instance.container.get<ConnectorContext>(InstanceContext);
        expect(context).to.equal(instance.context);
        expect(context).to.include({
            connectorId: 'acme.alpha',
            instanceId: 'alpha-1',
            clock: services.clock,
            signal: host.signal
        });
        expect(context.store).to.equal(state.keyValueStore('instance:alpha-1'));
        expect(context.pluginStore).to.equal(state.keyValueStore('plugin:acme.alpha'));
        expect((context.logger as CapturedLogger).labels).to.deep.equal({
            connector: 'acme.alpha',
            instance: 'alpha-1'
        });
        expect(instance.settings).to.deep.equal({ url: 'https://api.example.com' });
        expect(instance.pollingIntervalMs).to.equal(30 * 60_000);
        expect(instance.pollTimeoutMs).to.equal(6 * 3_600_000);
        expect(host.container.get(LoggerFactory)).to.equal(services.loggers);
    });

    it("offers plugins only the SDK's tokens: no runtime config, state store, sink or runtime metrics", async () => {
        const config = testConfig([{ id: 'alpha-1', connector: 'acme.alpha' }]);
        const { host } = await createTestHost([virtualPlugin('acme.alpha', new ScriptedConnector())], config);
        const [instance] = host.instances;

        for (const container of [host.container, instance.plugin.container, instance.container]) {
            for (const token of [RuntimeConfig, StateStore, ArtifactSink, RuntimeMetrics]) {
                expect(container.isBound(token), token.toString()).to.equal(false);
                expect(() => container.get(token), token.toString()).to.throw();
            }
        }
        for (const token of [Clock, LoggerFactory, HttpClientFactory, ConnectorMetrics, PluginManifest, PluginStore])
            expect(instance.container.isBound(token), token.toString()).to.equal(true);
    });

    it('cannot create a connector that injects a runtime object', async () => {
        for (const token of [RuntimeConfig, StateStore, ArtifactSink]) {
            @injectable()
            class NosyConnector extends ScriptedConnector {
                constructor(@inject(token) readonly taken: unknown) {
                    super();
                }
            }
            const module = { default: new ContainerModule(options => void options.bind(Connector).to(NosyConnector)) };
            const config = testConfig([{ id: 'nosy-1', connector: 'acme.nosy' }]);
            const plugin = virtualPlugin('acme.nosy', new ScriptedConnector(), {}, module);
            const { host } = await createTestHost([plugin], config);

            expect(host.instances, token.toString()).to.deep.equal([]);
            expect(host.problems, token.toString()).to.have.length(1);
            expect(host.problems[0]).to.include({ path: 'instances[0].connector' });
            expect(host.problems[0].message)
                .to.contain("connector 'acme.nosy' could not be created")
                .and.to.contain(`No bindings found for service: "${token.toString()}"`);
        }
    });

    it('applies instance schedule overrides', async () => {
        const config = testConfig([
            { id: 'a', connector: 'acme.alpha', pollingInterval: '5m', initialDelay: '10s', pollTimeout: '1h' }
        ]);
        const { host } = await createTestHost([virtualPlugin('acme.alpha', new ScriptedConnector())], config);

        expect(host.instances[0]).to.include({
            pollingIntervalMs: 300_000,
            initialDelayMs: 10_000,
            pollTimeoutMs: 3_600_000
        });
    });

    it('reports every config problem with its path and leaves the bad instances out', async () => {
        const strict = new ScriptedConnector({
            validateConfig: () => ({
                ok: false,
                problems: [
                    { path: 'host', message: 'is required' },
                    { path: 'pageSize', message: 'must be an integer', hint: 'e.g. 1000' }
                ]
            })
        });
        const config = testConfig([
            { id: 'ok', connector: 'acme.single' },
            { id: 'again', connector: 'acme.single' },
            { id: 'strict', connector: 'acme.strict' },
            { id: 'ghost', connector: 'acme.ghost' },
            { id: 'ok', connector: 'acme.strict' },
            { id: 'slow', connector: 'acme.single', pollingInterval: 'often' }
        ]);
        const { host, services } = await createTestHost(
            [
                virtualPlugin('acme.single', new ScriptedConnector(), { multiInstance: false }),
                virtualPlugin('acme.strict', strict)
            ],
            config
        );

        expect(host.instances.map(i => i.id)).to.deep.equal(['ok']);
        expect(host.problems).to.deep.equal([
            {
                path: 'instances[1].connector',
                message: "connector 'acme.single' allows only one instance, and 'ok' already uses it",
                hint: 'remove one of the instances'
            },
            { path: 'instances[2].settings.host', message: 'is required' },
            { path: 'instances[2].settings.pageSize', message: 'must be an integer', hint: 'e.g. 1000' },
            {
                path: 'instances[3].connector',
                message: "unknown connector 'acme.ghost'",
                hint: 'installed connectors: acme.single, acme.strict'
            },
            { path: 'instances[4].id', message: "duplicate instance id 'ok'", hint: 'give every instance its own id' },
            {
                path: 'instances[5].connector',
                message: "connector 'acme.single' allows only one instance, and 'ok' already uses it",
                hint: 'remove one of the instances'
            }
        ]);
        expect(services.loggers.root.messages('error')).to.have.length(6);
    });

    it('reports a bad duration of an instance', async () => {
        const config = testConfig([{ id: 'a', connector: 'acme.alpha', pollingInterval: 'often', pollTimeout: '0s' }]);
        const { host } = await createTestHost([virtualPlugin('acme.alpha', new ScriptedConnector())], config);

        expect(host.problems.map(p => p.path)).to.deep.equal([
            'instances[0].pollingInterval',
            'instances[0].pollTimeout'
        ]);
    });

    it('registers every secret for redaction: the config secrets, the schema secret fields and validateConfig ones', async () => {
        const connector = new ScriptedConnector({
            validateConfig: raw => ({ ok: true, config: raw, secrets: ['derived-token-value'] }),
            testConnection: async config => {
                throw new Error(
                    `cannot log in with ${(config as { password: string }).password} and derived-token-value`
                );
            }
        });
        const config = testConfig(
            [{ id: 'a', connector: 'acme.alpha', settings: { url: 'https://x', password: 'schema-secret-value' } }],
            {
                secrets: ['config-secret-value']
            }
        );
        const { host, services } = await createTestHost([virtualPlugin('acme.alpha', connector)], config);

        expect(services.loggers.secrets).to.include.members([
            'config-secret-value',
            'schema-secret-value',
            'derived-token-value'
        ]);
        expect(host.redact('a config-secret-value b schema-secret-value')).to.equal('a [REDACTED] b [REDACTED]');
        const report = await host.testConnection('a');
        expect(report).to.deep.include({ ok: false, errorKind: 'transient' });
        expect(report.message).to.equal('unexpected error in plugin: cannot log in with [REDACTED] and [REDACTED]');
    });

    it('fails a connection test of an unknown instance, and reports a connector that cannot be created', async () => {
        const plugin = virtualPlugin(
            'acme.alpha',
            new ScriptedConnector(),
            {},
            {
                default: new (await import('inversify')).ContainerModule(options => {
                    options.bind(Connector).toDynamicValue(() => {
                        throw new ConnectorError('config', 'bad wiring');
                    });
                })
            }
        );
        const { host } = await createTestHost([plugin], testConfig([{ id: 'a', connector: 'acme.alpha' }]));

        expect(host.problems).to.deep.equal([
            { path: 'instances[0].connector', message: "connector 'acme.alpha' could not be created: bad wiring" }
        ]);
        let error: unknown;
        await host.testConnection('a').catch(e => (error = e));
        expect((error as Error).message).to.equal("unknown instance 'a'");
    });

    it('uses the logger factory it is given, for the host and every instance', async () => {
        const given = new CapturedLoggerFactory();
        const config = testConfig([{ id: 'a', connector: 'acme.alpha' }], { secrets: ['given-secret-value'] });
        const { host } = await createTestHost([virtualPlugin('acme.alpha', new ScriptedConnector())], config, {
            loggerFactory: given
        });

        expect(host.loggerFactory).to.equal(given);
        expect(host.container.get(LoggerFactory)).to.equal(given);
        expect(given.secrets).to.deep.equal(['given-secret-value']);
        host.instances[0].context.logger.info('hello');
        expect(given.root.entries.at(-1)).to.deep.include({
            message: 'hello',
            labels: { connector: 'acme.alpha', instance: 'a' }
        });
    });

    it('aborts every instance context when closed', async () => {
        const { host } = await createTestHost(
            [virtualPlugin('acme.alpha', new ScriptedConnector())],
            testConfig([{ id: 'a', connector: 'acme.alpha' }])
        );

        expect(host.instances[0].context.signal.aborted).to.equal(false);
        host.close();
        expect(host.instances[0].context.signal.aborted).to.equal(true);
    });

    it('lists every discovered plugin in its catalog, used or not', async () => {
        const { host } = await createTestHost(
            [virtualPlugin('acme.beta', new ScriptedConnector()), virtualPlugin('acme.alpha', new ScriptedConnector())],
            testConfig([])
        );

        expect(host.catalog().map(e => e.id)).to.deep.equal(['acme.alpha', 'acme.beta']);
    });
});
