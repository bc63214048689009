import http from 'node:http';
import { expect } from 'chai';
import { ConnectorError } from '../connector-error.js';
import { WinstonLoggerFactory } from '../logging/winston-logger-factory.js';
import {
    FakeClock,
    isolateProxyEnvironment,
    listen,
    startProxy,
    type TestServer,
    withoutNock
} from '../test/http-test-kit.js';
import { CapturedOutput, errorRenderings, flushed } from '../test/log-capture.js';
import { GotHttpClientFactory } from './got-http-client-factory.js';

const PROXY_PASSWORD = 'Pr0xy!Pass';

describe('GotHttpClient proxies', () => {
    withoutNock();
    isolateProxyEnvironment();
    let target: TestServer;
    let proxy: Awaited<ReturnType<typeof startProxy>>;
    let guarded: Awaited<ReturnType<typeof startProxy>>;

    before(async () => {
        target = await listen(http.createServer((_request, response) => response.end('through')));
        proxy = await startProxy();
        guarded = await startProxy('Basic ' + Buffer.from('proxyuser:right-password').toString('base64'));
    });
    after(async () => {
        await Promise.all([target.close(), proxy.close(), guarded.close()]);
    });
    beforeEach(() => {
        proxy.connects.length = 0;
        guarded.connects.length = 0;
    });

    function client(options: { proxy?: string; logger?: ReturnType<WinstonLoggerFactory['create']> } = {}) {
        return new GotHttpClientFactory({ clock: new FakeClock() }).create({
            baseUrl: target.url,
            retry: { limit: 1 },
            ...options
        });
    }

    it('tunnels through the proxy option, sending its credentials in Proxy-Authorization', async () => {
        const proxyUrl = `http://proxyuser:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${proxy.port}`;
        const response = await client({ proxy: proxyUrl }).request({ method: 'GET', path: '/api' });
        expect(response.body).to.equal('through');
        expect(proxy.connects).to.deep.equal([
            {
                target: `127.0.0.1:${target.port}`,
                proxyAuthorization: `Basic ${Buffer.from(`proxyuser:${PROXY_PASSWORD}`).toString('base64')}`
            }
        ]);
    });

    it('uses HTTP_PROXY from the environment', async () => {
        process.env.HTTP_PROXY = proxy.url;
        expect((await client().request({ method: 'GET', path: '/api' })).body).to.equal('through');
        expect(proxy.connects.map(connect => connect.target)).to.deep.equal([`127.0.0.1:${target.port}`]);
    });

    it('goes direct for hosts listed in NO_PROXY', async () => {
        process.env.HTTP_PROXY = proxy.url;
        process.env.NO_PROXY = 'example.com,127.0.0.1';
        expect((await client().request({ method: 'GET', path: '/api' })).body).to.equal('through');
        expect(proxy.connects).to.deep.equal([]);
    });

    it('reports refused proxy credentials as a config error that never shows the proxy password', async () => {
        const output = new CapturedOutput();
        const logger = new WinstonLoggerFactory({ stream: output, format: 'json', level: 'debug' }).create({
            connector: 'test'
        });
        const proxyUrl = `http://proxyuser:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${guarded.port}`;
        const error = (await client({ proxy: proxyUrl, logger })
            .request({ method: 'GET', path: '/api' })
            .catch((e: unknown) => e)) as ConnectorError;
        expect(ConnectorError.is(error)).to.equal(true);
        expect(error.kind).to.equal('config');
        expect(error.message).to.contain(`http://127.0.0.1:${guarded.port}`);
        expect(error.hint).to.contain('proxy user name and password');
        expect(guarded.connects).to.have.length(1);
        await flushed();
        const encoded = Buffer.from(`proxyuser:${PROXY_PASSWORD}`).toString('base64');
        for (const rendering of [...errorRenderings(error), output.text]) {
            for (const secret of [PROXY_PASSWORD, encodeURIComponent(PROXY_PASSWORD), encoded]) {
                expect(rendering).to.not.contain(secret);
            }
        }
    });

    it('bounds the CONNECT of a proxy that never answers by the connect timeout', async () => {
        const silent = http.createServer();
        silent.on('connect', () => undefined);
        const silentProxy = await listen(silent);
        try {
            const slow = new GotHttpClientFactory({ clock: new FakeClock() }).create({
                baseUrl: target.url,
                proxy: silentProxy.url,
                retry: { limit: 0 },
                timeouts: { connectMs: 150 }
            });
            const error = (await slow.request({ method: 'GET', path: '/' }).catch((e: unknown) => e)) as ConnectorError;
            expect(error.kind).to.equal('transient');
            expect(error.message).to.contain(
                `timed out after 150 ms connecting to ${silentProxy.url} (timeouts.connectMs = 150)`
            );
        } finally {
            await silentProxy.close();
        }
    });

    it('rejects an invalid proxy URL with a config error', async () => {
        const error = (await client({ proxy: 'ftp://proxy:21' })
            .request({ method: 'GET', path: '/' })
            .catch((e: unknown) => e)) as ConnectorError;
        expect(error.kind).to.equal('config');
    });
});
