import { expect } from 'chai';
import { Container } from 'inversify';
import nock from 'nock';
import {
    Clock,
    GotHttpClientFactory,
    type LoggerFactory,
    LoggerFactory as LoggerFactoryToken
} from '@signal-connectors/connector-sdk';
import { CapturedLogger, FakeClock } from '@signal-connectors/connector-sdk/testing';
import { validateQualysConfig } from '../config/qualys-config-validator.js';
import type { QualysConfig } from '../model/qualys-config.js';
import { QualysApiClient } from './qualys-api-client.js';
import { SubscriptionLimiterRegistry } from './subscription-limiter-registry.js';

const HOST = 'https://qualysapi.qg3.apps.qualys.com';
const KB = '/api/4.0/fo/knowledge_base/vuln/';
const PASSWORD = 'shared-Pa55word';

function qualysConfig(settings: Record<string, unknown> = {}): QualysConfig {
    const result = validateQualysConfig({ host: HOST, username: 'acme_ab12', password: PASSWORD, ...settings });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.config;
}

function settle(ms = 30): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
}

async function until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !condition(); i++) await settle(5);
    expect(condition(), 'condition never became true').to.equal(true);
}

describe('SubscriptionLimiterRegistry', () => {
    let clock: FakeClock;
    let logger: CapturedLogger;
    let loggerFactory: LoggerFactory;

    beforeEach(() => {
        clock = new FakeClock();
        logger = new CapturedLogger();
        loggerFactory = {
            create: labels => logger.child(labels as Record<string, string>),
            registerSecret: () => undefined
        };
    });

    it('keys a subscription by API server origin and lower-cased user name', () => {
        const registry = new SubscriptionLimiterRegistry(clock, loggerFactory);
        const limiter = registry.forSubscription('https://qualysapi.qualys.com', 'acme_ab12');
        expect(registry.forSubscription('https://QualysAPI.qualys.com:443/', 'ACME_AB12 ')).to.equal(limiter);
        expect(registry.forSubscription('https://qualysapi.qualys.com', 'other_user')).not.to.equal(limiter);
        expect(registry.forSubscription('https://qualysapi.qualys.eu', 'acme_ab12')).not.to.equal(limiter);
        expect(SubscriptionLimiterRegistry.key('https://QualysAPI.qualys.com/', 'Acme_AB12')).to.equal(
            'https://qualysapi.qualys.com acme_ab12'
        );
    });

    it('is injectable as a singleton with the host clock and logger factory', () => {
        const container = new Container();
        container.bind(Clock).toConstantValue(clock);
        container.bind(LoggerFactoryToken).toConstantValue(loggerFactory);
        container.bind(SubscriptionLimiterRegistry).toSelf().inSingletonScope();
        const registry = container.get(SubscriptionLimiterRegistry);
        expect(container.get(SubscriptionLimiterRegistry)).to.equal(registry);
        registry.forSubscription(HOST, 'acme_ab12').review({
            endpoint: 'knowledge_base',
            status: 429,
            headers: { 'retry-after': '5' }
        });
        expect(logger.entries.at(-1)).to.deep.include({ level: 'warn' });
        expect(logger.entries.at(-1)?.labels).to.deep.equal({
            connector: 'signal-client.qualys',
            subscription: `${HOST} acme_ab12`
        });
        // Without a logger factory (e.g. in tools), the limiters stay silent rather than fail.
        const bare = new Container();
        bare.bind(Clock).toConstantValue(clock);
        bare.bind(SubscriptionLimiterRegistry).toSelf();
        expect(() =>
            bare
                .get(SubscriptionLimiterRegistry)
                .forSubscription(HOST, 'x')
                .review({ endpoint: 'kb', status: 429, headers: {} })
        ).not.to.throw();
    });

    describe('shared between instances', () => {
        let requestTimes: { user: string; at: number }[];

        before(() => nock.disableNetConnect());
        after(() => nock.enableNetConnect());
        beforeEach(() => {
            requestTimes = [];
            for (const user of ['acme_ab12', 'ACME_AB12', 'other_user']) {
                const authorization = `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`;
                nock(HOST, { reqheaders: { authorization } })
                    .post(KB)
                    .times(10)
                    .reply(() => {
                        requestTimes.push({ user, at: clock.now() });
                        const blocked = requestTimes.length === 1;
                        const body = blocked
                            ? '<SIMPLE_RETURN><RESPONSE><CODE>1965</CODE><TEXT>This API cannot be run again for another 1 minute.</TEXT></RESPONSE></SIMPLE_RETURN>'
                            : '<KNOWLEDGE_BASE_VULN_LIST_OUTPUT/>';
                        const headers: Record<string, string> = {
                            'Content-Type': 'application/xml',
                            'Content-Length': String(body.length)
                        };
                        if (blocked) headers['X-RateLimit-ToWait-Sec'] = '60';
                        return [blocked ? 409 : 200, body, headers];
                    });
            }
        });
        afterEach(() => {
            expect(logger.text()).not.to.contain(PASSWORD);
            nock.cleanAll();
        });

        function client(registry: SubscriptionLimiterRegistry, config: QualysConfig): QualysApiClient {
            return new QualysApiClient(config, {
                http: new GotHttpClientFactory({ clock }),
                logger: logger.child({ instance: config.username }),
                rateLimitPolicy: registry.forSubscription(config.baseUrl, config.username),
                clock
            });
        }

        it('makes a second instance of the same subscription wait out a 1965 that the first one got', async () => {
            const registry = new SubscriptionLimiterRegistry(clock, loggerFactory);
            const first = client(registry, qualysConfig());
            const second = client(registry, qualysConfig({ username: 'ACME_AB12', truncationLimit: 50, scans: false }));
            const start = clock.now();
            const firstCall = first.fetchKnowledgeBase({ ids: '1' });
            await until(() => requestTimes.length === 1 && clock.pendingSleeps === 1);
            const secondCall = second.fetchKnowledgeBase({ ids: '2' });
            await until(() => clock.pendingSleeps === 2);
            await clock.advance(59_999);
            await settle();
            expect(requestTimes, 'nothing may be sent while the subscription is blocked').to.have.length(1);
            await clock.advance(1);
            await Promise.all([firstCall, secondCall]);
            expect(requestTimes.map(r => r.at - start)).to.deep.equal([0, 60_000, 60_000]);
            expect(second.stats.snapshot()).to.deep.include({ throttled: 0, waitMs: 60_000 });
            expect(first.stats.snapshot()).to.deep.include({ throttled: 1, waitMs: 60_000 });
        });

        it('does not make another user of the same API server wait', async () => {
            const registry = new SubscriptionLimiterRegistry(clock, loggerFactory);
            const firstCall = client(registry, qualysConfig()).fetchKnowledgeBase({ ids: '1' });
            await until(() => requestTimes.length === 1 && clock.pendingSleeps === 1);
            await client(registry, qualysConfig({ username: 'other_user' })).fetchKnowledgeBase({ ids: '2' });
            expect(requestTimes.map(r => r.user)).to.deep.equal(['acme_ab12', 'other_user']);
            expect(requestTimes[1].at).to.equal(requestTimes[0].at);
            await clock.advance(60_000);
            await firstCall;
        });
    });
});
