import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import nock from 'nock';
import { ConnectorError, GotHttpClientFactory } from '@signal-connectors/connector-sdk';
import { CapturedLogger, FakeClock } from '@signal-connectors/connector-sdk/testing';
import { validateQualysConfig } from '../config/qualys-config-validator.js';
import type { QualysConfig } from '../model/qualys-config.js';
import { QualysApiClient } from './qualys-api-client.js';
import { SubscriptionRateLimiter, type SubscriptionRateLimiterOptions } from './subscription-rate-limiter.js';

const HOST = 'https://qualysapi.qualys.com';
const SCANS = '/api/3.0/fo/scan/';
const PASSWORD = 'limiter-Pa55word';
const XML = { 'Content-Type': 'application/xml' };
const LIMITS = { 'X-RateLimit-Limit': '300', 'X-RateLimit-Window-Sec': '3600', 'X-Concurrency-Limit-Limit': '2' };

/** A nock reply with a Content-Length: without one, got sometimes sees a nock reply to a POST as aborted. */
function reply(
    status: number,
    body: string,
    headers: Record<string, string> = {}
): [number, string, Record<string, string>] {
    return [status, body, { ...XML, ...headers, 'Content-Length': String(Buffer.byteLength(body)) }];
}

function simpleReturn(code: number, text: string, items: Record<string, string> = {}): string {
    const itemXml = Object.entries(items)
        .map(([key, value]) => `<ITEM><KEY>${key}</KEY><VALUE>${value}</VALUE></ITEM>`)
        .join('');
    return (
        `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN><RESPONSE><DATETIME>2024-05-14T10:02:11Z</DATETIME><CODE>${code}` +
        `</CODE><TEXT>${text}</TEXT>${itemXml ? `<ITEM_LIST>${itemXml}</ITEM_LIST>` : ''}</RESPONSE></SIMPLE_RETURN>`
    );
}

function qualysConfig(settings: Record<string, unknown> = {}): QualysConfig {
    const result = validateQualysConfig({ host: HOST, username: 'acme_ab12', password: PASSWORD, ...settings });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.config;
}

/** Lets real I/O (a request going out, a response coming in) happen. */
function settle(ms = 30): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
}

async function until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !condition(); i++) await settle(5);
    expect(condition(), 'condition never became true').to.equal(true);
}

describe('SubscriptionRateLimiter', () => {
    let clock: FakeClock;
    let logger: CapturedLogger;
    let requestTimes: number[];

    function limiter(options: SubscriptionRateLimiterOptions = {}): SubscriptionRateLimiter {
        return new SubscriptionRateLimiter(clock, logger, { random: () => 0.5, ...options });
    }

    function client(policy: SubscriptionRateLimiter, config = qualysConfig()): QualysApiClient {
        return new QualysApiClient(config, {
            http: new GotHttpClientFactory({ clock, random: () => 0.5 }),
            logger,
            rateLimitPolicy: policy
        });
    }

    /** Interceptors for the scan list API that record the (fake) time each request arrives. */
    function respond(...replies: [number, string, Record<string, string>?][]): nock.Scope {
        const scope = nock(HOST);
        for (const [status, body, headers] of replies) {
            scope.post(SCANS).reply(() => {
                requestTimes.push(clock.now());
                return reply(status, body, headers);
            });
        }
        return scope;
    }

    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    beforeEach(() => {
        clock = new FakeClock();
        logger = new CapturedLogger();
        requestTimes = [];
    });
    afterEach(() => {
        expect(logger.text()).not.to.contain(PASSWORD);
        nock.cleanAll();
    });

    it('learns the limits from the headers of every response, in both spellings of the concurrency headers', () => {
        const policy = limiter();
        expect(policy.snapshot('host_detection')).to.deep.include({
            concurrencyLimit: 2,
            concurrencyLimitKnown: false,
            running: 0
        });
        const headers = {
            'x-ratelimit-limit': '300',
            'x-ratelimit-remaining': '293',
            'x-ratelimit-window-sec': '3600'
        };
        expect(
            policy.review({
                endpoint: 'host_detection',
                status: 200,
                headers: { ...headers, 'x-concurrencylimit-limit': '4' }
            })
        ).to.deep.equal({
            action: 'proceed'
        });
        expect(policy.snapshot('host_detection')).to.deep.include({
            rateLimit: { limit: 300, remaining: 293, windowSec: 3600 },
            concurrencyLimit: 4,
            concurrencyLimitKnown: true
        });
        policy.review({
            endpoint: 'host_detection',
            status: 200,
            headers: { 'X-Concurrency-Limit-Limit': '10', 'X-Concurrency-Limit-Running': '3' }
        });
        expect(policy.snapshot('host_detection')).to.deep.include({
            concurrencyLimit: 10,
            concurrencyRunningRemote: 3
        });
        expect(policy.snapshot('knowledge_base').concurrencyLimit, 'limits are per API').to.equal(2);
        expect(policy.snapshot('knowledge_base').concurrencyLimitKnown).to.equal(false);
        expect(limiter({ maxConcurrency: 3 }).snapshot('x').concurrencyLimit).to.equal(2);
    });

    it('after a 409 code 1965 with ToWait 181 s, sends nothing until exactly 181 s have passed', async () => {
        respond(
            [
                409,
                simpleReturn(1965, 'This API cannot be run again for another 3 minutes and 1 second.'),
                // No Remaining header: the block alone (the floor after a block is tested below).
                { ...LIMITS, 'X-RateLimit-ToWait-Sec': '181' }
            ],
            [200, '<SCAN_LIST_OUTPUT/>', { ...LIMITS, 'X-RateLimit-Remaining': '299' }]
        );
        const start = clock.now();
        const call = client(limiter()).fetchScanList({});
        await until(() => requestTimes.length === 1 && clock.pendingSleeps === 1);
        await clock.advance(180_999);
        await settle();
        expect(requestTimes).to.have.length(1);
        await clock.advance(1);
        expect(await call).to.equal('<SCAN_LIST_OUTPUT/>');
        expect(requestTimes).to.deep.equal([start, start + 181_000]);
        expect(logger.messages('warn').join('\n')).to.contain('waiting 181 s');
    });

    it('treats a 429 the same, waiting Retry-After, else SECONDS_TO_WAIT, else 60 s', async () => {
        respond(
            [429, 'slow down', { 'Retry-After': '30' }],
            [409, simpleReturn(1965, 'blocked', { SECONDS_TO_WAIT: '45' })],
            [429, ''],
            [200, '<SCAN_LIST_OUTPUT/>']
        );
        const start = clock.now();
        const call = client(limiter()).fetchScanList({});
        for (let i = 1; i <= 3; i++) {
            await until(() => requestTimes.length === i && clock.pendingSleeps === 1);
            await clock.advanceToNextTimer();
        }
        await call;
        expect(requestTimes.map(time => (time - start) / 1000)).to.deep.equal([0, 30, 75, 135]);
    });

    it('backs off a concurrency block (1960) with jitter, doubling per repeat and resetting on success', async () => {
        const busy = simpleReturn(
            1960,
            'This API cannot be run again until 2 currently running instances have finished.'
        );
        respond(
            [409, busy, LIMITS],
            [409, busy, LIMITS],
            [200, '<SCAN_LIST_OUTPUT/>', LIMITS],
            [409, busy, LIMITS],
            [200, '<SCAN_LIST_OUTPUT/>']
        );
        const api = client(limiter());
        const start = clock.now();
        const first = api.fetchScanList({});
        for (let i = 1; i <= 2; i++) {
            await until(() => requestTimes.length === i && clock.pendingSleeps === 1);
            await clock.advanceToNextTimer();
        }
        await first;
        const second = api.fetchScanList({});
        await until(() => requestTimes.length === 4 && clock.pendingSleeps === 1);
        await clock.advanceToNextTimer();
        await second;
        // random() = 0.5: half the ceiling fixed plus a quarter, i.e. 3.75 s of 5 s, then 7.5 s of 10 s.
        expect(requestTimes.map(time => time - start)).to.deep.equal([0, 3750, 11_250, 11_250, 15_000]);
    });

    it('spreads concurrency backoffs with jitter', () => {
        const busy = { endpoint: 'scan_list', status: 409, headers: LIMITS, body: simpleReturn(1960, 'busy') };
        expect(limiter({ random: () => 0 }).review(busy)).to.deep.include({ action: 'retry', afterMs: 2500 });
        expect(limiter({ random: () => 0.999 }).review(busy)).to.deep.include({ action: 'retry', afterMs: 4998 });
    });

    it('fails fast on a 409 code 2003, without waiting or retrying', async () => {
        const scope = respond([
            409,
            simpleReturn(2003, 'Registration must be completed before API requests will be served for this account')
        ]);
        const policy = limiter();
        const error = await client(policy)
            .fetchScanList({})
            .then(
                () => expect.fail('expected a failure'),
                (e: unknown) => e as ConnectorError
            );
        expect(error).to.include({ kind: 'auth', code: '2003', status: 409 });
        expect(error.hint).to.contain('web UI');
        expect(scope.isDone()).to.equal(true);
        expect(clock.pendingSleeps).to.equal(0);
        expect(policy.blockedForMs('scan_list')).to.equal(0);
    });

    it('keeps a floor of 2 calls after a burst: waits until its own oldest counted call has left the window', async () => {
        // 10 calls a minute: three in a burst leave 2, the floor, so the 4th waits until the 1st is a minute old.
        const perMinute = {
            'X-RateLimit-Limit': '10',
            'X-RateLimit-Window-Sec': '60',
            'X-Concurrency-Limit-Limit': '2'
        };
        respond(
            [200, '<SCAN_LIST_OUTPUT/>', { ...perMinute, 'X-RateLimit-Remaining': '4' }],
            [200, '<SCAN_LIST_OUTPUT/>', { ...perMinute, 'X-RateLimit-Remaining': '3' }],
            [200, '<SCAN_LIST_OUTPUT/>', { ...perMinute, 'X-RateLimit-Remaining': '2' }],
            [200, '<SCAN_LIST_OUTPUT/>', { ...perMinute, 'X-RateLimit-Remaining': '2' }]
        );
        const api = client(limiter());
        const start = clock.now();
        for (const offset of [0, 5_000, 10_000]) {
            await clock.advance(start + offset - clock.now());
            await api.fetchScanList({});
        }
        const next = api.fetchScanList({});
        await until(() => clock.pendingSleeps === 1);
        // The old guess (a call back every 6 s) would have spent the floor here.
        await clock.advance(59_999 - 10_000);
        await settle();
        expect(requestTimes).to.have.length(3);
        await clock.advance(1);
        await next;
        expect(requestTimes.map(time => time - start)).to.deep.equal([0, 5_000, 10_000, 60_000]);
    });

    it('says in the log that it waits for the floor, and until when', async () => {
        const perMinute = {
            'X-RateLimit-Limit': '10',
            'X-RateLimit-Window-Sec': '60',
            'X-Concurrency-Limit-Limit': '2'
        };
        respond(
            [200, '<SCAN_LIST_OUTPUT/>', { ...perMinute, 'X-RateLimit-Remaining': '2' }],
            [200, '<SCAN_LIST_OUTPUT/>', perMinute]
        );
        const api = client(limiter());
        const start = clock.now();
        await api.fetchScanList({});
        const next = api.fetchScanList({});
        await until(() => clock.pendingSleeps === 1);
        const until60 = new Date(start + 60_000).toISOString();
        expect(logger.messages('info').join('\n')).to.contain(
            `Holding scan_list calls at the rate-limit floor: 2 calls of the window are kept for people and other ` +
                `tools on this account; waiting until ${until60} (1m)`
        );
        await clock.advance(60_000);
        await next;
        expect(requestTimes).to.have.length(2);
    });

    it('counts calls it did not make as gone only a whole window after the count was read', async () => {
        // Another tool spent the window: 2 left, and none of the counted calls is ours but the one that read it.
        const perMinute = {
            'X-RateLimit-Limit': '10',
            'X-RateLimit-Window-Sec': '60',
            'X-Concurrency-Limit-Limit': '2'
        };
        respond(
            [200, '<SCAN_LIST_OUTPUT/>', { ...perMinute, 'X-RateLimit-Remaining': '3' }],
            [200, '<SCAN_LIST_OUTPUT/>', { ...perMinute, 'X-RateLimit-Remaining': '0' }],
            [200, '<SCAN_LIST_OUTPUT/>', perMinute]
        );
        const policy = limiter();
        const api = client(policy);
        const start = clock.now();
        await api.fetchScanList({});
        await clock.advance(20_000);
        await api.fetchScanList({});
        // 3 calls must leave the window; only 2 are known to be ours: wait a whole window from the last count.
        expect(policy.floorWaitMs('scan_list')).to.equal(60_000);
        const next = api.fetchScanList({});
        await until(() => clock.pendingSleeps === 1);
        await clock.advance(60_000);
        await next;
        expect(requestTimes.map(time => time - start)).to.deep.equal([0, 20_000, 80_000]);
    });

    it('hands a floor wait longer than maxRetryWaitMs back as rate_limited, saying until when', async () => {
        const daily = {
            'X-RateLimit-Limit': '30',
            'X-RateLimit-Window-Sec': '86400',
            'X-Concurrency-Limit-Limit': '1'
        };
        respond([200, '<SCAN_LIST_OUTPUT/>', { ...daily, 'X-RateLimit-Remaining': '0' }]);
        const api = client(limiter());
        const start = clock.now();
        await api.fetchScanList({});
        const error = await api.fetchScanList({}).then(
            () => expect.fail('expected a failure'),
            (e: unknown) => e as ConnectorError
        );
        expect(error.kind).to.equal('rate_limited');
        expect(error.retryAfterMs).to.equal(86_400_000);
        expect(error.message).to.contain('only the floor of 2 calls, kept for people and other tools');
        expect(error.hint).to.contain(`allowed at ${new Date(start + 86_400_000).toISOString()}`);
        expect(requestTimes).to.have.length(1);
        expect(clock.pendingSleeps).to.equal(0);
    });

    it('never deadlocks on the floor when Qualys gives no window to wait for', async () => {
        respond([200, '<SCAN_LIST_OUTPUT/>', { 'X-RateLimit-Remaining': '0' }], [200, '<SCAN_LIST_OUTPUT/>']);
        const api = client(limiter());
        await api.fetchScanList({});
        await api.fetchScanList({});
        expect(requestTimes).to.have.length(2);
    });

    it('fails a call whose block outlasts maxRetryWaitMs, keeping the API blocked for everyone', async () => {
        respond([
            409,
            simpleReturn(1965, 'This API cannot be run again for another 2 hours.'),
            { 'X-RateLimit-ToWait-Sec': '7200' }
        ]);
        const policy = limiter();
        const error = await client(policy)
            .fetchScanList({})
            .then(
                () => expect.fail('expected a failure'),
                (e: unknown) => e as ConnectorError
            );
        expect(error).to.include({ kind: 'rate_limited', code: '1965', retryAfterMs: 7_200_000 });
        expect(error.hint).to.contain('2h');
        expect(policy.blockedForMs('scan_list')).to.equal(7_200_000);
        expect(policy.blockedForMs('host_detection')).to.equal(0);
    });

    it('releases a permit exactly once, and gives up a wait when its signal aborts', async () => {
        const policy = limiter({ defaultConcurrency: 1 });
        const release = await policy.acquire('scan_list');
        release();
        release();
        expect(policy.snapshot('scan_list').running).to.equal(0);
        const held = await policy.acquire('scan_list');
        const controller = new AbortController();
        const waiting = policy.acquire('scan_list', controller.signal);
        controller.abort(new Error('stop'));
        await waiting.then(
            () => expect.fail('expected the wait to be aborted'),
            (e: Error) => expect(e.message).to.equal('stop')
        );
        held();
        (await policy.acquire('scan_list'))();
        expect(policy.snapshot('scan_list').running).to.equal(0);
    });

    describe('against a local server', () => {
        let server: http.Server;
        let inFlight = 0;
        let maxInFlight = 0;
        let concurrencyHeader: string | undefined;

        before(async () => {
            nock.restore();
            server = http.createServer((_request, response) => {
                inFlight += 1;
                maxInFlight = Math.max(maxInFlight, inFlight);
                setTimeout(() => {
                    inFlight -= 1;
                    const headers: Record<string, string> = { 'Content-Type': 'application/xml' };
                    if (concurrencyHeader !== undefined) headers['X-Concurrency-Limit-Limit'] = concurrencyHeader;
                    response.writeHead(200, headers).end('<SCAN_LIST_OUTPUT/>');
                }, 25);
            });
            await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
        });
        after(async () => {
            await new Promise(resolve => server.close(resolve));
            nock.activate();
        });
        beforeEach(() => {
            inFlight = 0;
            maxInFlight = 0;
            concurrencyHeader = undefined;
        });

        function localClient(policy: SubscriptionRateLimiter): QualysApiClient {
            const { port } = server.address() as AddressInfo;
            return client(policy, qualysConfig({ host: `http://127.0.0.1:${port}` }));
        }

        it('never runs more than 2 calls at once before Qualys names its limit', async () => {
            const api = localClient(limiter());
            await Promise.all(Array.from({ length: 5 }, () => api.fetchScanList({})));
            expect(maxInFlight).to.equal(2);
        });

        it('follows the X-Concurrency-Limit-Limit header once seen, under our own ceiling', async () => {
            concurrencyHeader = '3';
            const api = localClient(limiter());
            await api.fetchScanList({});
            await Promise.all(Array.from({ length: 7 }, () => api.fetchScanList({})));
            expect(maxInFlight).to.equal(3);

            maxInFlight = 0;
            const capped = localClient(limiter({ maxConcurrency: 1 }));
            await Promise.all(Array.from({ length: 4 }, () => capped.fetchScanList({})));
            expect(maxInFlight).to.equal(1);
        });
    });
});
