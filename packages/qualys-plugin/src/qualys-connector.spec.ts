import { Connector } from '@signal-connectors/connector-sdk';
import { describeConnectorContract, FakeClock } from '@signal-connectors/connector-sdk/testing';
import { expect } from 'chai';
import nock from 'nock';
import { SubscriptionLimiterRegistry } from './client/subscription-limiter-registry.js';
import { QUALYS_MANIFEST } from './config/qualys-config-validator.js';
import { QualysConnector } from './qualys-connector.js';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import { answer, FakeQualys, ok } from './test/fake-qualys.js';
import { instanceConnector, pluginContainers, registryOf } from './test/plugin-container.js';
import { drain, pollHarness, testConfig, until } from './test/poll-harness.js';
import { hldPage, hostsRange, simpleReturn } from './test/qualys-xml.js';

const SANDBOX_PASSWORD = 'Sandb0x-S3cret!pw';

let sandbox: QualysSandbox | undefined;

function running(): QualysSandbox {
    if (sandbox === undefined) throw new Error('the sandbox is not running');
    return sandbox;
}

function settings(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        host: running().url,
        username: running().credentials.username,
        password: SANDBOX_PASSWORD,
        // Small pages and a small tenant: a poll takes several batches, yet well under a second.
        truncationLimit: 4,
        ...overrides
    };
}

describeConnectorContract({
    name: 'signal-client.qualys',
    manifest: QUALYS_MANIFEST,
    async setup() {
        sandbox = await QualysSandbox.start({
            hosts: 10,
            detectionsPerHost: 3,
            resultsSize: 40,
            kbSize: 40,
            scans: 4,
            password: SANDBOX_PASSWORD
        });
    },
    async teardown() {
        await sandbox?.close();
        sandbox = undefined;
    },
    // Through the plugin's module, as the host builds it.
    async createConnector() {
        const { plugin } = await pluginContainers();
        return instanceConnector(plugin, 'contract-test');
    },
    // The last artifact of a poll is its run summary, whose id is its run's: the resume check compares a full
    // poll with a resumed one, so both must be the same run, or the summary of the first counts as lost.
    createContext: () => ({ runId: 'contract-run' }),
    goodConfig: () => settings(),
    badConfigs: [
        {
            name: 'missing password',
            raw: () => {
                const { password: _password, ...rest } = settings();
                return rest;
            },
            expectedPaths: ['password']
        },
        {
            name: 'the web console host',
            raw: () => settings({ host: 'qualysguard.qg2.apps.qualys.com' }),
            expectedPaths: ['host']
        },
        { name: 'an unknown field', raw: () => settings({ pageSize: 100 }), expectedPaths: ['pageSize'] },
        {
            name: 'plain http to a remote host',
            raw: () => settings({ host: 'http://example.com' }),
            expectedPaths: ['host']
        }
    ],
    badCredentials: () => settings({ password: 'Wr0ng-S3cret!pw' }),
    secrets: () => [SANDBOX_PASSWORD, 'Wr0ng-S3cret!pw']
});

describe('qualysPluginModule', () => {
    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    afterEach(() => nock.cleanAll());

    it('binds the connector, with one limiter registry shared by every instance', async () => {
        const { plugin } = await pluginContainers();
        const a = instanceConnector(plugin, 'qualys-a');
        const b = instanceConnector(plugin, 'qualys-b');

        expect(a).to.be.instanceOf(QualysConnector);
        expect(plugin.get(Connector)).to.be.instanceOf(QualysConnector);
        expect(registryOf(a)).to.be.instanceOf(SubscriptionLimiterRegistry);
        expect(registryOf(a)).to.equal(registryOf(b));
        expect(registryOf(a)).to.equal(plugin.get(SubscriptionLimiterRegistry));
        // One subscription, however its instances spell it, is one budget.
        const config = testConfig();
        expect(registryOf(a).forSubscription(config.baseUrl, config.username)).to.equal(
            registryOf(b).forSubscription(`${config.baseUrl}/`, config.username.toUpperCase())
        );
    });

    it("delays one instance's call while another instance of the same subscription is rate-blocked", async () => {
        const clock = new FakeClock({ now: '2024-05-14T10:00:00Z' });
        const containers = await pluginContainers(clock);
        const { plugin } = containers;
        const a = pollHarness({ clock, instanceId: 'qualys-a' });
        const b = pollHarness({ clock, instanceId: 'qualys-b' });
        const qualys = new FakeQualys(clock).on(
            'hld',
            answer(409, simpleReturn(1965, 'This API cannot be run again for another 181 seconds.'), {
                'X-RateLimit-ToWait-Sec': '181'
            })
        );

        const pollA = drain(instanceConnector(plugin, 'qualys-a').poll(testConfig({ truncationLimit: 2 }), {}, a.ctx));
        await until(() => clock.pendingSleeps > 0, "instance A's throttle wait");
        qualys.on('hld', ok(hldPage(hostsRange(100, 1))), ok(hldPage(hostsRange(100, 1))));
        const pollB = drain(instanceConnector(plugin, 'qualys-b').poll(testConfig({ truncationLimit: 3 }), {}, b.ctx));
        await until(() => clock.pendingSleeps > 1, "instance B's wait");
        await clock.advance(180_000);
        expect(qualys.forms('hld')).to.have.length(1);
        // The block is logged once, by the limiter both instances share.
        expect(containers.logger.messages('warn')).to.have.length(1);

        await clock.advance(1_000);
        const outcomes = await Promise.all([pollA, pollB]);
        expect(outcomes.map(outcome => outcome.error)).to.deep.equal([undefined, undefined]);
        const callB = qualys.requests.find(request => request.form.truncation_limit === '3');
        expect(callB?.at).to.equal(Date.parse('2024-05-14T10:03:01Z'));
    });
});
