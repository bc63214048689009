import { expect } from 'chai';
import nock from 'nock';
import { ConnectorError, GotHttpClientFactory } from '@signal-connectors/connector-sdk';
import { CapturedLogger, FakeClock } from '@signal-connectors/connector-sdk/testing';
import { validateQualysConfig } from '../config/qualys-config-validator.js';
import type { QualysConfig } from '../model/qualys-config.js';
import { expiryOf, GatewayToken } from './gateway-token.js';
import { GatewayTokenRegistry } from './gateway-token-registry.js';
import { QualysApiClient } from './qualys-api-client.js';

const HOST = 'https://qualysapi.qg2.apps.qualys.com';
const GATEWAY = 'https://gateway.qg2.apps.qualys.com';
const PASSWORD = 'Pa55-w0rd!secret';
const HLD = '/api/5.0/fo/asset/host/vm/detection/';
const HLD_XML =
    '<?xml version="1.0" encoding="UTF-8" ?>\n<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2024-05-14T10:00:00Z' +
    '</DATETIME></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>';
const NOW = Date.parse('2024-05-14T10:00:00Z');

/** An unsigned JWT-shaped token expiring `lifetimeSec` after NOW (the client only reads `exp`). */
function jwt(lifetimeSec: number, id: string): string {
    const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'acme_ab12', jti: id, exp: NOW / 1000 + lifetimeSec })}.c2ln`;
}

function reply(status: number, body: string): [number, string, Record<string, string>] {
    return [status, body, { 'Content-Length': String(Buffer.byteLength(body)) }];
}

function tokenConfig(): QualysConfig {
    const result = validateQualysConfig({ host: HOST, username: 'acme_ab12', password: PASSWORD, authMethod: 'token' });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.config;
}

describe('GatewayToken and token authentication', () => {
    let clock: FakeClock;
    let logger: CapturedLogger;
    let token: GatewayToken;
    const issued: string[] = [];

    function authScope(count: number, lifetimeSec: number, logins: Record<string, string>[]): nock.Scope {
        return nock(GATEWAY)
            .post('/auth', body => {
                logins.push(body as Record<string, string>);
                return true;
            })
            .times(count)
            .reply(() => {
                const value = jwt(lifetimeSec, `t${issued.length + 1}`);
                issued.push(value);
                return reply(201, value);
            });
    }

    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    beforeEach(() => {
        clock = new FakeClock({ now: NOW, autoAdvance: true });
        logger = new CapturedLogger();
        issued.length = 0;
        token = new GatewayToken({
            gatewayUrl: GATEWAY,
            username: 'acme_ab12',
            password: PASSWORD,
            http: new GotHttpClientFactory({ clock, random: () => 0.5 }),
            clock,
            logger,
            timeoutSeconds: 30
        });
    });
    afterEach(() => {
        // Neither the password nor any token may reach a log line.
        const text = logger.text();
        expect(text).not.to.contain(PASSWORD);
        for (const value of issued) expect(text).not.to.contain(value);
        nock.cleanAll();
    });

    it('logs in with username, password and token=true, and reuses the token until shortly before it expires', async () => {
        const logins: Record<string, string>[] = [];
        authScope(2, 4 * 3600, logins);
        const first = await token.get();
        expect(await token.get()).to.equal(first);
        clock.setTime(NOW + (4 * 3600 - 6 * 60) * 1000);
        expect(await token.get(), 'still 6 minutes to go').to.equal(first);
        clock.setTime(NOW + (4 * 3600 - 4 * 60) * 1000);
        const second = await token.get();
        expect(second).not.to.equal(first);
        expect(logins).to.deep.equal([
            { username: 'acme_ab12', password: PASSWORD, token: 'true' },
            { username: 'acme_ab12', password: PASSWORD, token: 'true' }
        ]);
        expect(token.loginCount).to.equal(2);
    });

    it('makes one login for concurrent callers', async () => {
        authScope(1, 3600, []);
        const values = await Promise.all([token.get(), token.get(), token.get()]);
        expect(new Set(values).size).to.equal(1);
        expect(token.loginCount).to.equal(1);
    });

    it('reads the lifetime from exp, and assumes four hours when the token has none', () => {
        expect(expiryOf(jwt(60, 'a'))).to.equal(NOW + 60_000);
        expect(expiryOf('not-a-jwt')).to.equal(undefined);
        expect(expiryOf('a.bm90IGpzb24.c')).to.equal(undefined);
    });

    it('reports a refused login as an auth error that names the gateway, not the password', async () => {
        nock(GATEWAY)
            .post('/auth')
            .reply(...reply(401, 'Unauthorized'));
        const error = await token.get().then(
            () => expect.fail('expected a refusal'),
            (failure: unknown) => failure as ConnectorError
        );
        expect(error).to.include({ kind: 'auth', status: 401 });
        expect(error.message).to.equal(
            'The Qualys gateway gateway.qg2.apps.qualys.com refused the username or password'
        );
        expect(`${error.message} ${error.hint}`).not.to.contain(PASSWORD);
    });

    it('calls the API with Bearer, not Basic, and after a 401 logs in again and repeats the call once', async () => {
        authScope(2, 4 * 3600, []);
        const authorizations: (string | null)[] = [];
        nock(HOST)
            .post(HLD)
            .matchHeader('authorization', value => {
                authorizations.push(value);
                return true;
            })
            .times(2)
            .reply(() =>
                authorizations.at(-1) === `Bearer ${issued[0]}` ? reply(401, 'token revoked') : reply(200, HLD_XML)
            );
        const registry = new GatewayTokenRegistry();
        const client = new QualysApiClient(tokenConfig(), {
            http: new GotHttpClientFactory({ clock, random: () => 0.5 }),
            logger,
            retry: { limit: 0 },
            token
        });
        expect(client.authMethod).to.equal('token');
        const body = await client.streamHostDetections({});
        body.resume();
        expect(authorizations).to.deep.equal([`Bearer ${issued[0]}`, `Bearer ${issued[1]}`]);
        expect(client.callStats().calls).to.deep.equal({ gateway_auth: 2, host_detection: 2 });
        expect(registry.forCredentials({ ...tokenOptions(), password: 'other' })).not.to.equal(
            registry.forCredentials(tokenOptions())
        );
        expect(registry.forCredentials(tokenOptions())).to.equal(registry.forCredentials(tokenOptions()));
    });

    function tokenOptions(): ConstructorParameters<typeof GatewayToken>[0] {
        return {
            gatewayUrl: GATEWAY,
            username: 'acme_ab12',
            password: PASSWORD,
            http: new GotHttpClientFactory({ clock, random: () => 0.5 }),
            clock,
            logger,
            timeoutSeconds: 30
        };
    }
});
