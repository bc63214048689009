import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import nock from 'nock';
import {
    type ConnectionReport,
    GotHttpClientFactory,
    type HttpClientOptions,
    type LoggerFactory
} from '@signal-connectors/connector-sdk';
import { CapturedLogger, FakeClock, createTestContext } from '@signal-connectors/connector-sdk/testing';
import { SubscriptionLimiterRegistry } from '../client/subscription-limiter-registry.js';
import { validateQualysConfig } from '../config/qualys-config-validator.js';
import type { QualysConfig } from '../model/qualys-config.js';
import { testQualysConnection } from './connection-tester.js';

const HOST = 'https://qualysapi.qg2.apps.qualys.com';
const HLD = '/api/5.0/fo/asset/host/vm/detection/';
const PASSWORD = 'conn-Te5t-Pa55word';
const HLD_XML =
    '<?xml version="1.0" encoding="UTF-8" ?>\n' +
    '<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "https://qualysapi.qg2.apps.qualys.com/api/2.0/fo/asset/host/vm/detection/host_list_vm_detection_output.dtd">\n' +
    '<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2024-05-14T10:00:00Z</DATETIME><HOST_LIST><HOST><ID>1</ID></HOST></HOST_LIST>' +
    '</RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>';
const LIMITS = {
    'X-RateLimit-Limit': '300',
    'X-RateLimit-Window-Sec': '3600',
    'X-RateLimit-Remaining': '293',
    'X-RateLimit-ToWait-Sec': '0',
    'X-Concurrency-Limit-Limit': '2',
    'X-Concurrency-Limit-Running': '0'
};

// A self-signed certificate for localhost / 127.0.0.1, valid 2000-2100 (test only).
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBZjCCAQ2gAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhv
c3QwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABBiMHex+wZLS2rmM
NMUHQeTnFT0tPphUQ7ef6fIf4nsAEp1gK2UcU+6Y66t9qDbbzbaSQqukOEKUgum6
iMnyrdSjTjBMMBoGA1UdEQQTMBGCCWxvY2FsaG9zdIcEfwAAATAPBgNVHRMBAf8E
BTADAQH/MB0GA1UdDgQWBBRID5VfGcylCfhNVgtj9obIhdnoMjAKBggqhkjOPQQD
AgNHADBEAiB4L9GLHxK6qGj4qCJoYBoLjQKfAYlGiv0iXhhetfKxBQIgPEIhLEkE
dfzWb3UKzC2bBb0xAcUmDrBUqkFB1O62Oyw=
-----END CERTIFICATE-----
`;
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSTXHlaOXnqsD/ecB
ztCG/Sq4JGdva82fWNKLBY1e8FOhRANCAAQYjB3sfsGS0tq5jDTFB0Hk5xU9LT6Y
VEO3n+nyH+J7ABKdYCtlHFPumOurfag22822kkKrpDhClILpuojJ8q3U
-----END PRIVATE KEY-----
`;

function simpleReturn(code: number, text: string): string {
    return `<?xml version="1.0" encoding="UTF-8" ?>\n<SIMPLE_RETURN><RESPONSE><DATETIME>2024-05-14T10:02:11Z</DATETIME><CODE>${code}</CODE><TEXT>${text}</TEXT></RESPONSE></SIMPLE_RETURN>`;
}

/** A nock reply with a Content-Length: without one, got sometimes sees a nock reply to a POST as aborted. */
function reply(
    status: number,
    body: string,
    headers: Record<string, string> = {}
): [number, string, Record<string, string>] {
    return [
        status,
        body,
        { 'Content-Type': 'application/xml', ...headers, 'Content-Length': String(Buffer.byteLength(body)) }
    ];
}

function qualysConfig(settings: Record<string, unknown> = {}): QualysConfig {
    const result = validateQualysConfig({ host: HOST, username: 'acme_ab12', password: PASSWORD, ...settings });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.config;
}

describe('testQualysConnection', () => {
    let clock: FakeClock;
    let logger: CapturedLogger;
    let registry: SubscriptionLimiterRegistry;
    let reports: ConnectionReport[];
    let created: HttpClientOptions[];

    async function test(config = qualysConfig()): Promise<ConnectionReport> {
        const factory = new GotHttpClientFactory({ clock });
        const http = { create: (options: HttpClientOptions) => (created.push(options), factory.create(options)) };
        const report = await testQualysConnection(config, createTestContext({ clock, logger, http }), registry);
        reports.push(report);
        if (process.env.SHOW_REPORTS) console.log(JSON.stringify(report, null, 1));
        return report;
    }

    beforeEach(() => {
        clock = new FakeClock();
        logger = new CapturedLogger();
        const loggerFactory: LoggerFactory = {
            create: labels => logger.child(labels as Record<string, string>),
            registerSecret: () => undefined
        };
        registry = new SubscriptionLimiterRegistry(clock, loggerFactory);
        reports = [];
        created = [];
    });
    afterEach(() => {
        const text = logger.text() + JSON.stringify(reports);
        expect(text).not.to.contain(PASSWORD);
        expect(text).not.to.contain(Buffer.from(`acme_ab12:${PASSWORD}`).toString('base64'));
        expect(clock.pendingSleeps, 'the test left a timer behind').to.equal(0);
    });

    describe('with a mocked Qualys', () => {
        before(() => nock.disableNetConnect());
        after(() => nock.enableNetConnect());
        afterEach(() => nock.cleanAll());

        it('reports success with latency, limits, API server and platform, after one cheap host detection call', async () => {
            let form = '';
            nock(HOST, { reqheaders: { 'x-requested-with': 'signal-connectors' } })
                .post(HLD, body => ((form = new URLSearchParams(body as Record<string, string>).toString()), true))
                .reply(...reply(200, HLD_XML, { ...LIMITS, 'X-Powered-By': 'Qualys:USPOD2:16cb332b:0bd06b8b' }));
            const report = await test();
            expect(report).to.deep.include({
                ok: true,
                details: {
                    authMethod: 'basic',
                    rateLimit: { limit: 300, remaining: 293, windowSec: 3600 },
                    concurrencyLimit: 2,
                    apiServer: 'qualysapi.qg2.apps.qualys.com',
                    platform: 'US2',
                    pod: 'USPOD2'
                }
            });
            expect(report.latencyMs).to.be.a('number');
            expect(report.message)
                .to.contain('Qualys US2')
                .and.to.contain('(Basic authentication)')
                .and.to.contain('293 of 300 calls left per 1h')
                .and.to.contain('acme_ab12');
            expect(form).to.equal('truncation_limit=1&show_results=0&show_igs=0&action=list');
        });

        it('uses a test timeout of at most 120 s, but never the 20 s that large tenants cannot meet, and no retries', async () => {
            nock(HOST)
                .post(HLD)
                .twice()
                .reply(...reply(200, HLD_XML, LIMITS));
            await test();
            await test(qualysConfig({ timeoutSeconds: 45 }));
            expect(created.map(options => options.timeouts?.responseMs)).to.deep.equal([120_000, 45_000]);
            expect(created.map(options => options.retry?.limit)).to.deep.equal([0, 0]);
        });

        const failures: [string, number, string, string, RegExp][] = [
            ['bad credentials (HTTP 401)', 401, 'Unauthorized', 'auth', /username and password/],
            [
                'bad credentials (code 2000)',
                401,
                simpleReturn(2000, 'Bad Login/Password'),
                'auth',
                /username and password/
            ],
            [
                'an expired account (code 2001 with HTTP 200)',
                200,
                simpleReturn(2001, 'This account has expired.'),
                'auth',
                /renew/
            ],
            [
                'an unfinished registration (code 2003)',
                409,
                simpleReturn(
                    2003,
                    'Registration must be completed before API requests will be served for this account'
                ),
                'auth',
                /Log in to the Qualys web UI once/
            ],
            [
                'an inactive user (code 2002)',
                403,
                simpleReturn(2002, 'User account is inactive'),
                'permission',
                /activate the user/
            ],
            [
                'no API license (code 2012)',
                403,
                simpleReturn(2012, 'User license is not authorized to run this API'),
                'permission',
                /API access and the VM/
            ],
            ['no API access (HTTP 403)', 403, 'Forbidden', 'permission', /API access and the VM module/],
            ['a wrong host (HTTP 404)', 404, 'Not Found', 'not_found', /qualysapi\..*platform-identification/],
            [
                'an HTML page',
                200,
                '<!DOCTYPE html><html><head><title>Login</title></head></html>',
                'not_found',
                /platform-identification/
            ],
            [
                'XML that is not a host detection list',
                200,
                '<?xml version="1.0"?><ABOUT><WEB-VERSION>10</WEB-VERSION></ABOUT>',
                'not_found',
                /qualysapi/
            ],
            ['a Qualys outage (HTTP 503)', 503, 'maintenance', 'transient', /try again later/]
        ];
        for (const [what, status, body, errorKind, hint] of failures) {
            it(`reports ${what} as ${errorKind} with a hint`, async () => {
                const type: Record<string, string> = body.startsWith('<!DOCTYPE html')
                    ? { 'Content-Type': 'text/html' }
                    : {};
                const scope = nock(HOST)
                    .post(HLD)
                    .once()
                    .reply(...reply(status, body, type));
                const report = await test();
                expect(report).to.deep.include({ ok: false, errorKind });
                expect(report.hint).to.match(hint);
                expect(report.message).to.be.a('string').and.not.to.equal('');
                expect(scope.isDone(), 'exactly one request').to.equal(true);
            });
        }

        it('names the API server when the web console host answers 404', async () => {
            const console = 'https://qualysguard.qg2.apps.qualys.com';
            nock(console)
                .post(HLD)
                .reply(...reply(404, '<html/>', { 'Content-Type': 'text/html' }));
            const report = await test({ ...qualysConfig(), baseUrl: console });
            expect(report).to.deep.include({ ok: false, errorKind: 'not_found' });
            expect(report.hint).to.contain("use 'qualysapi.qg2.apps.qualys.com'");
        });

        it('reports a rate block (409 code 1965) with when to retry, and records it for the polls', async () => {
            nock(HOST)
                .post(HLD)
                .once()
                .reply(
                    ...reply(
                        409,
                        simpleReturn(1965, 'This API cannot be run again for another 3 minutes and 1 second.'),
                        { ...LIMITS, 'X-RateLimit-Remaining': '0', 'X-RateLimit-ToWait-Sec': '181' }
                    )
                );
            const report = await test();
            expect(report).to.deep.include({ ok: false, errorKind: 'rate_limited' });
            expect(report.hint).to.contain('Try again in 181 s');
            expect(registry.forSubscription(HOST, 'acme_ab12').blockedForMs('host_detection')).to.equal(181_000);

            // A second test during the block reports it without calling Qualys (nock would refuse the call).
            await clock.advance(60_000);
            const again = await test();
            expect(again).to.deep.include({ ok: false, errorKind: 'rate_limited' });
            expect(again.hint).to.contain('Try again in 121 s');
        });

        it('never spends the floor of calls kept for people: reports when a test may run instead', async () => {
            // A poll brought the window down to the floor: the test is refused without calling Qualys.
            const limiter = registry.forSubscription(HOST, 'acme_ab12');
            const release = await limiter.acquire('host_detection');
            limiter.review({
                endpoint: 'host_detection',
                status: 200,
                headers: { ...LIMITS, 'X-RateLimit-Remaining': '2' }
            });
            release();
            const report = await test();
            expect(report).to.deep.include({ ok: false, errorKind: 'rate_limited' });
            expect(report.message).to.contain('only the floor of 2 host detection calls');
            expect(report.message).to.contain(new Date(clock.now() + 3_600_000).toISOString());
            expect(created, 'no client was made, so no call').to.have.length(0);
        });

        it('reports a concurrency block (409 code 1960) as rate_limited, explaining the running calls', async () => {
            nock(HOST)
                .post(HLD)
                .reply(
                    ...reply(
                        409,
                        simpleReturn(
                            1960,
                            'This API cannot be run again until 2 currently running instances have finished.'
                        ),
                        LIMITS
                    )
                );
            const report = await test();
            expect(report).to.deep.include({ ok: false, errorKind: 'rate_limited' });
            expect(report.message).to.contain('concurrent');
            expect(report.hint).to.match(/Try again in \d+ s, when those calls have finished/);
        });

        it('gives up waiting for a concurrency slot that running polls hold, after the test timeout', async () => {
            const limiter = registry.forSubscription(HOST, 'acme_ab12', { defaultConcurrency: 1 });
            const pollCall = await limiter.acquire('host_detection');
            const pending = test(qualysConfig({ timeoutSeconds: 60 }));
            for (let i = 0; i < 100 && clock.pendingSleeps === 0; i++)
                await new Promise(resolve => setImmediate(resolve));
            await clock.advance(60_000);
            const report = await pending;
            pollCall();
            expect(report).to.deep.include({ ok: false, errorKind: 'rate_limited' });
            expect(report.message).to.contain('concurrent slots');
        });
    });

    it('reports a cancelled test without calling it a Qualys failure', async () => {
        const controller = new AbortController();
        controller.abort(new Error('shutting down'));
        const report = await testQualysConnection(
            qualysConfig(),
            createTestContext({ clock, logger, signal: controller.signal }),
            registry
        );
        expect(report).to.deep.include({ ok: false, errorKind: 'transient' });
        expect(report.message).to.contain('cancelled');
    });

    describe('against real sockets', () => {
        let directory: string;

        before(() => {
            nock.restore();
            directory = mkdtempSync(join(tmpdir(), 'qualys-connection-'));
            writeFileSync(join(directory, 'ca.pem'), TEST_CERT);
        });
        after(() => {
            rmSync(directory, { recursive: true, force: true });
            nock.activate();
        });

        async function listen(server: http.Server | https.Server): Promise<number> {
            await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
            return (server.address() as AddressInfo).port;
        }

        it('reports an untrusted certificate as a TLS failure pointing to caFile, and passes with caFile set', async () => {
            const server = https.createServer({ cert: TEST_CERT, key: TEST_KEY }, (_request, response) => {
                response.writeHead(200, { 'Content-Type': 'application/xml', ...LIMITS }).end(HLD_XML);
            });
            const port = await listen(server);
            try {
                const report = await test(qualysConfig({ host: `https://127.0.0.1:${port}` }));
                expect(report).to.deep.include({ ok: false, errorKind: 'config' });
                expect(report.message).to.contain('TLS certificate');
                expect(report.hint).to.contain('caFile');
                const trusted = await test(
                    qualysConfig({ host: `https://127.0.0.1:${port}`, caFile: join(directory, 'ca.pem') })
                );
                expect(trusted).to.deep.include({ ok: true });
                expect(trusted.details).to.deep.include({
                    apiServer: `127.0.0.1:${port}`,
                    platform: 'private cloud or custom'
                });
            } finally {
                server.close();
            }
        });

        it('reports a host name that does not resolve as a DNS failure', async function () {
            this.timeout(45_000);
            const report = await test(qualysConfig({ host: 'qualysapi.no-such-platform.invalid' }));
            expect(report).to.deep.include({ ok: false, errorKind: 'transient' });
            expect(report.message).to.contain('could not be resolved');
            expect(report.hint).to.contain('platform-identification').and.to.contain('proxy');
        });

        it('reports a refused connection with the port to open', async () => {
            const server = http.createServer();
            const port = await listen(server);
            await new Promise(resolve => server.close(resolve));
            const report = await test(qualysConfig({ host: `http://127.0.0.1:${port}` }));
            expect(report).to.deep.include({ ok: false, errorKind: 'transient' });
            expect(report.message).to.contain('Could not connect').and.to.contain('ECONNREFUSED');
            expect(report.hint).to.contain(`port ${port}`).and.to.contain('proxy');
        });
    });
});
