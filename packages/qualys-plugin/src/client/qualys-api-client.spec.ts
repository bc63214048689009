import { expect } from 'chai';
import nock from 'nock';
import { ConnectorError, GotHttpClientFactory } from '@signal-connectors/connector-sdk';
import { CapturedLogger, FakeClock } from '@signal-connectors/connector-sdk/testing';
import { validateQualysConfig } from '../config/qualys-config-validator.js';
import type { QualysConfig } from '../model/qualys-config.js';
import { QualysApiClient, type QualysApiClientOptions } from './qualys-api-client.js';
import { SubscriptionRateLimiter } from './subscription-rate-limiter.js';

const HOST = 'https://qualysapi.qg2.apps.qualys.com';
const PASSWORD = 'Pa55-w0rd!secret';
const HLD = '/api/5.0/fo/asset/host/vm/detection/';
const HLD_XML =
    '<?xml version="1.0" encoding="UTF-8" ?>\n<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2024-05-14T10:00:00Z</DATETIME>' +
    '</RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>';
const XML = { 'Content-Type': 'application/xml' };

function simpleReturn(code: number, text: string, items: Record<string, string> = {}): string {
    const itemXml = Object.entries(items)
        .map(([key, value]) => `<ITEM><KEY>${key}</KEY><VALUE>${value}</VALUE></ITEM>`)
        .join('');
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE SIMPLE_RETURN SYSTEM "https://qualysapi.qualys.com/api/2.0/simple_return.dtd">\n' +
        `<SIMPLE_RETURN><RESPONSE><DATETIME>2024-05-14T10:02:11Z</DATETIME><CODE>${code}</CODE><TEXT>${text}</TEXT>` +
        `${itemXml ? `<ITEM_LIST>${itemXml}</ITEM_LIST>` : ''}</RESPONSE></SIMPLE_RETURN>`
    );
}

/** A nock reply with a Content-Length: without one, got sometimes sees a nock reply to a POST as aborted. */
function reply(
    status: number,
    body: string,
    headers: Record<string, string> = {}
): [number, string, Record<string, string>] {
    return [status, body, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }];
}

function qualysConfig(settings: Record<string, unknown> = {}): QualysConfig {
    const result = validateQualysConfig({ host: HOST, username: 'acme_ab12', password: PASSWORD, ...settings });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.config;
}

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
    try {
        await promise;
    } catch (error) {
        if (ConnectorError.is(error)) return error;
        throw error;
    }
    expect.fail('expected a ConnectorError');
}

describe('QualysApiClient', () => {
    let logger: CapturedLogger;
    let clock: FakeClock;
    let errors: ConnectorError[];

    function client(config = qualysConfig(), options: Partial<QualysApiClientOptions> = {}): QualysApiClient {
        return new QualysApiClient(config, {
            http: new GotHttpClientFactory({ clock, random: () => 0.5 }),
            logger,
            retry: { limit: 0 },
            ...options
        });
    }

    async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
        const error = await rejection(promise);
        errors.push(error);
        return error;
    }

    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    beforeEach(() => {
        logger = new CapturedLogger();
        clock = new FakeClock({ autoAdvance: true });
        errors = [];
    });
    afterEach(() => {
        // Whatever went wrong, neither the logs nor the errors may hold the password or its Basic form.
        const basic = Buffer.from(`acme_ab12:${PASSWORD}`).toString('base64');
        const text =
            logger.text() + errors.map(e => `${e.message} ${e.hint} ${e.stack} ${JSON.stringify(e)}`).join('\n');
        expect(text).not.to.contain(PASSWORD);
        expect(text).not.to.contain(basic);
        nock.cleanAll();
    });

    it('POSTs host detection parameters as a form with action=list, Basic auth and X-Requested-With', async () => {
        let form: unknown;
        const scope = nock(HOST)
            .matchHeader('x-requested-with', 'signal-connectors')
            .matchHeader('authorization', `Basic ${Buffer.from(`acme_ab12:${PASSWORD}`).toString('base64')}`)
            .matchHeader('content-type', 'application/x-www-form-urlencoded')
            .post(HLD, body => {
                form = body;
                return true;
            })
            .reply(...reply(200, HLD_XML, XML));
        const body = await client().streamHostDetections({
            truncation_limit: '1',
            status: 'New,Active',
            action: 'delete'
        });
        let text = '';
        for await (const chunk of body) text += String(chunk);
        expect(text).to.equal(HLD_XML);
        expect(scope.isDone()).to.equal(true);
        expect(new URLSearchParams(form as Record<string, string>).toString()).to.equal(
            'truncation_limit=1&status=New%2CActive&action=list'
        );
    });

    it('calls the KnowledgeBase and scan list APIs under their configured versions and returns the body', async () => {
        const scope = nock(HOST)
            .post('/api/4.0/fo/knowledge_base/vuln/', 'ids=38794&details=All&action=list')
            .reply(...reply(200, '<KNOWLEDGE_BASE_VULN_LIST_OUTPUT/>', XML))
            .post('/api/2.0/fo/scan/', 'action=list')
            .reply(...reply(200, '<SCAN_LIST_OUTPUT/>', XML))
            .post('/api/3.0/fo/asset/host/vm/detection/')
            .reply(...reply(200, HLD_XML, XML));
        const api = client(qualysConfig({ apiVersion: { scanList: '2.0', hostDetection: '3.0' } }));
        expect(await api.fetchKnowledgeBase({ ids: '38794', details: 'All' })).to.equal(
            '<KNOWLEDGE_BASE_VULN_LIST_OUTPUT/>'
        );
        expect(await api.fetchScanList({})).to.equal('<SCAN_LIST_OUTPUT/>');
        (await api.streamHostDetections({})).resume();
        expect(scope.isDone()).to.equal(true);
    });

    it('leaves a SIMPLE_RETURN that arrives with HTTP 200 to the caller', async () => {
        const body = simpleReturn(2001, 'This account has expired.');
        nock(HOST)
            .post('/api/4.0/fo/knowledge_base/vuln/')
            .reply(...reply(200, body, XML));
        expect(await client().fetchKnowledgeBase({ ids: '1' })).to.equal(body);
    });

    const simpleReturnCases: [number, number, string, ConnectorError['kind']][] = [
        [400, 1905, 'parameter ids has invalid value: abc', 'config'],
        [401, 2000, 'Bad Login/Password', 'auth'],
        [403, 2012, 'User license is not authorized to run this API', 'permission'],
        [403, 2002, 'User account is inactive', 'permission'],
        [409, 2003, 'Registration must be completed before API requests will be served for this account', 'auth']
    ];
    for (const [status, code, text, kind] of simpleReturnCases) {
        it(`maps a SIMPLE_RETURN ${code} with HTTP ${status} to ${kind}`, async () => {
            nock(HOST)
                .post(HLD)
                .reply(...reply(status, simpleReturn(code, text), XML));
            const error = await failure(client().streamHostDetections({}));
            expect(error).to.include({ kind, code: String(code), status });
            expect(error.message).to.contain(text);
        });
    }

    it('maps a 409 code 2003 to auth without retrying when the shared limiter judges it', async () => {
        const scope = nock(HOST)
            .post(HLD)
            .once()
            .reply(...reply(409, simpleReturn(2003, 'Registration must be completed'), XML));
        const limiter = new SubscriptionRateLimiter(clock, logger);
        const error = await failure(client(undefined, { rateLimitPolicy: limiter }).streamHostDetections({}));
        expect(error).to.include({ kind: 'auth', code: '2003' });
        expect(scope.isDone()).to.equal(true);
    });

    it('maps bare error statuses: 401 auth, 403 permission, 409/429 rate_limited, 5xx transient, others protocol', async () => {
        const cases: [number, ConnectorError['kind'], RegExp][] = [
            [401, 'auth', /username and password.*API/],
            [403, 'permission', /API access/],
            [409, 'rate_limited', /.+/],
            [429, 'rate_limited', /.+/],
            [500, 'transient', /maintenance/],
            [503, 'transient', /maintenance/],
            [418, 'protocol', /.+/]
        ];
        for (const [status, kind, hint] of cases) {
            nock(HOST)
                .post('/api/3.0/fo/scan/')
                .reply(...reply(status, 'nope', { 'Content-Type': 'text/plain' }));
            const error = await failure(client().fetchScanList({}));
            expect(error, String(status)).to.include({ kind, status });
            expect(error.hint, String(status)).to.match(hint);
        }
    });

    it('maps a 404 to not_found with a hint pointing to the platform table', async () => {
        nock(HOST)
            .post(HLD)
            .reply(...reply(404, '<html><body>Not Found</body></html>', { 'Content-Type': 'text/html' }));
        const error = await failure(client().streamHostDetections({}));
        expect(error).to.include({ kind: 'not_found', status: 404 });
        expect(error.hint).to.contain('qualysapi.');
        expect(error.hint).to.contain('https://www.qualys.com/platform-identification/');
    });

    it('maps a 2xx HTML page to not_found, naming the API server of a web console host', async () => {
        const console = 'https://qualysguard.qg2.apps.qualys.com';
        const config = { ...qualysConfig(), baseUrl: console };
        nock(console)
            .post(HLD)
            .reply(
                ...reply(200, '<!DOCTYPE html><html><title>Qualys</title></html>', {
                    'Content-Type': 'text/html; charset=UTF-8'
                })
            );
        nock(console)
            .post('/api/4.0/fo/knowledge_base/vuln/')
            .reply(...reply(200, '<html/>', { 'Content-Type': 'text/html' }));
        for (const call of [client(config).streamHostDetections({}), client(config).fetchKnowledgeBase({})]) {
            const error = await failure(call);
            expect(error.kind).to.equal('not_found');
            expect(error.message).to.contain('HTML page');
            expect(error.hint).to.contain("use 'qualysapi.qg2.apps.qualys.com'");
        }
    });

    it('counts calls per endpoint, throttles, retries and waits, and resets', async () => {
        nock(HOST)
            .post(HLD)
            .reply(...reply(409, simpleReturn(1965, 'rate'), { ...XML, 'X-RateLimit-ToWait-Sec': '5' }))
            .post(HLD)
            .reply(...reply(200, HLD_XML, XML))
            .post('/api/4.0/fo/knowledge_base/vuln/')
            .reply(...reply(503, 'down'))
            .post('/api/4.0/fo/knowledge_base/vuln/')
            .reply(...reply(200, '<KNOWLEDGE_BASE_VULN_LIST_OUTPUT/>', XML));
        const limiter = new SubscriptionRateLimiter(clock, logger);
        const api = client(undefined, { rateLimitPolicy: limiter, clock, retry: { limit: 1, baseDelayMs: 1000 } });
        (await api.streamHostDetections({})).resume();
        await api.fetchKnowledgeBase({ ids: '1' });
        expect(api.stats.snapshot()).to.deep.equal({
            calls: { host_detection: 2, knowledge_base: 2 },
            throttled: 1,
            retries: 1,
            waitMs: 5000 + 500
        });
        expect(api.callStats()).to.deep.equal(api.stats.snapshot());
        api.stats.reset();
        expect(api.stats.snapshot()).to.deep.equal({ calls: {}, throttled: 0, retries: 0, waitMs: 0 });
    });

    it('passes the configured timeouts, CA file and proxy to the HTTP client', () => {
        let seen: unknown;
        const factory = { create: (options: unknown) => ((seen = options), {}) as never };
        new QualysApiClient(qualysConfig({ timeoutSeconds: 90, caFile: '/tmp/ca.pem', proxy: 'http://proxy:3128' }), {
            http: factory,
            logger
        });
        expect(seen).to.deep.include({
            baseUrl: HOST,
            headers: { 'X-Requested-With': 'signal-connectors' },
            timeouts: { connectMs: 30_000, responseMs: 90_000, idleMs: 90_000 },
            caFile: '/tmp/ca.pem',
            proxy: 'http://proxy:3128'
        });
    });
});
