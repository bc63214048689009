import { writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConnectorError } from '../connector-error.js';
import {
    FakeClock,
    isolateProxyEnvironment,
    listen,
    makeSelfSignedCertificate,
    startProxy,
    type TestCertificate,
    type TestServer,
    withoutNock
} from '../test/http-test-kit.js';
import { GotHttpClientFactory } from './got-http-client-factory.js';
import type { HttpClientOptions } from './http-client.js';

describe('GotHttpClient TLS and caFile', () => {
    withoutNock();
    isolateProxyEnvironment();
    let certificate: TestCertificate;
    let server: TestServer;
    let clock: FakeClock;

    before(async () => {
        certificate = makeSelfSignedCertificate();
        server = await listen(
            https.createServer({ key: certificate.key, cert: certificate.cert }, (_request, response) =>
                response.end('secure')
            ),
            'https'
        );
    });
    after(async () => {
        await server.close();
        certificate.remove();
    });
    beforeEach(() => {
        clock = new FakeClock();
    });

    function client(options: Partial<HttpClientOptions> = {}) {
        return new GotHttpClientFactory({ clock }).create({ baseUrl: server.url, ...options });
    }

    async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
        const error = await promise.then(
            () => undefined,
            (e: unknown) => e
        );
        expect(ConnectorError.is(error), `expected a ConnectorError, got ${String(error)}`).to.equal(true);
        return error as ConnectorError;
    }

    it('refuses an untrusted certificate with a config error pointing at caFile, without retrying', async () => {
        const error = await failure(client().request({ method: 'GET', path: '/' }));
        expect(error.kind).to.equal('config');
        expect(error.message).to.contain('TLS verification failed for 127.0.0.1');
        expect(error.hint).to.contain("'caFile'").and.contain('never disabled');
        expect(clock.sleeps).to.deep.equal([]);
    });

    it('trusts the certificate when its CA is given in caFile', async () => {
        const response = await client({ caFile: certificate.certFile }).request({ method: 'GET', path: '/' });
        expect(response).to.include({ status: 200, body: 'secure' });
    });

    it('verifies through a proxy CONNECT tunnel too', async () => {
        const proxy = await startProxy();
        try {
            process.env.HTTPS_PROXY = proxy.url;
            const response = await client({ caFile: certificate.certFile }).request({ method: 'GET', path: '/' });
            expect(response.body).to.equal('secure');
            expect(proxy.connects.map(connect => connect.target)).to.deep.equal([`127.0.0.1:${server.port}`]);
            expect((await failure(client().request({ method: 'GET', path: '/' }))).kind).to.equal('config');
        } finally {
            await proxy.close();
        }
    });

    it('names an unreadable or non-PEM caFile in a config error', async () => {
        const missing = join(certificate.certFile, '..', 'missing.pem');
        const unreadable = await failure(client({ caFile: missing }).request({ method: 'GET', path: '/' }));
        expect(unreadable.kind).to.equal('config');
        expect(unreadable.message).to.contain(missing).and.contain('ENOENT');
        const notPem = join(certificate.certFile, '..', 'not.pem');
        writeFileSync(notPem, 'hello');
        const invalid = await failure(client({ caFile: notPem }).request({ method: 'GET', path: '/' }));
        expect(invalid.message).to.contain('holds no PEM certificate');
    });
});
