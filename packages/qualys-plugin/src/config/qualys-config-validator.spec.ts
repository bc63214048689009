import { expect } from 'chai';
import { secretFieldPaths, validateManifest } from '@signal-connectors/connector-sdk';
import type { QualysConfig } from '../model/qualys-config.js';
import { QUALYS_MANIFEST, validateQualysConfig } from './qualys-config-validator.js';
import { QUALYS_PLATFORMS } from './qualys-platforms.js';

const PASSWORD = 'S3cr3t!Pa55"word';
const MINIMAL = { host: 'qualysapi.qualys.com', username: 'acme_ab12', password: PASSWORD };

function valid(raw: unknown): QualysConfig {
    const result = validateQualysConfig(raw);
    if (!result.ok) expect.fail(`expected a valid config, got ${JSON.stringify(result.problems)}`);
    return result.config;
}

function problemsOf(raw: unknown): { path: string; message: string; hint?: string }[] {
    const result = validateQualysConfig(raw);
    if (result.ok) expect.fail('expected problems, got a valid config');
    return result.problems;
}

function problemAt(raw: unknown, path: string): { path: string; message: string; hint?: string } {
    const problem = problemsOf(raw).find(p => p.path === path);
    if (problem === undefined) expect.fail(`expected a problem at '${path}', got ${JSON.stringify(problemsOf(raw))}`);
    return problem;
}

describe('validateQualysConfig', () => {
    it('accepts a minimal config and applies every default', () => {
        const result = validateQualysConfig(MINIMAL);
        expect(result).to.deep.equal({
            ok: true,
            secrets: [PASSWORD],
            config: {
                baseUrl: 'https://qualysapi.qualys.com',
                username: 'acme_ab12',
                password: PASSWORD,
                authMethod: 'basic',
                truncationLimit: 1000,
                maxConcurrentPages: 4,
                includeResults: true,
                statuses: ['New', 'Active', 'Re-Opened', 'Fixed'],
                includeInformationGathered: false,
                qds: true,
                initialLookbackMs: undefined,
                windowOverlapMs: 15 * 60_000,
                kbEnrichment: true,
                cloudMetadata: true,
                hostReconciliation: true,
                hostReconciliationIntervalMs: 86_400_000,
                removedHostStatus: 'Resolved',
                scans: true,
                caFile: undefined,
                proxy: undefined,
                timeoutSeconds: 600,
                apiVersion: { hostDetection: '5.0', knowledgeBase: '4.0', scanList: '3.0', hostList: '5.0' }
            }
        });
    });

    it('takes every optional field, parses durations and merges partial API versions with the defaults', () => {
        const config = valid({
            ...MINIMAL,
            truncationLimit: 250,
            includeResults: false,
            statuses: ['Active', 'Fixed'],
            includeInformationGathered: true,
            initialLookback: '30d',
            windowOverlap: '1h30m',
            kbEnrichment: false,
            scans: false,
            caFile: '/etc/ssl/corp-ca.pem',
            proxy: 'http://proxy.example.com:3128',
            timeoutSeconds: 900,
            apiVersion: { hostDetection: '4.0' }
        });
        expect(config).to.include({ truncationLimit: 250, includeResults: false, includeInformationGathered: true });
        expect(config).to.include({
            kbEnrichment: false,
            scans: false,
            caFile: '/etc/ssl/corp-ca.pem',
            timeoutSeconds: 900
        });
        expect(config.statuses).to.deep.equal(['Active', 'Fixed']);
        expect(config.initialLookbackMs).to.equal(30 * 86_400_000);
        expect(config.windowOverlapMs).to.equal(90 * 60_000);
        expect(config.proxy).to.equal('http://proxy.example.com:3128');
        expect(config.apiVersion).to.deep.equal({
            hostDetection: '4.0',
            knowledgeBase: '4.0',
            scanList: '3.0',
            hostList: '5.0'
        });
    });

    it('normalises a bare host name, a trailing slash and upper case to an https origin', () => {
        expect(valid({ ...MINIMAL, host: 'qualysapi.qg2.apps.qualys.com' }).baseUrl).to.equal(
            'https://qualysapi.qg2.apps.qualys.com'
        );
        expect(valid({ ...MINIMAL, host: ' https://QualysAPI.qg3.apps.qualys.com/ ' }).baseUrl).to.equal(
            'https://qualysapi.qg3.apps.qualys.com'
        );
        expect(valid({ ...MINIMAL, host: 'qualysapi.acme.example.com:8443' }).baseUrl).to.equal(
            'https://qualysapi.acme.example.com:8443'
        );
    });

    it('accepts the API server of every shared platform, bare and as a URL', () => {
        for (const platform of QUALYS_PLATFORMS) {
            expect(valid({ ...MINIMAL, host: platform.apiHost }).baseUrl, platform.id).to.equal(
                `https://${platform.apiHost}`
            );
            expect(valid({ ...MINIMAL, host: `https://${platform.apiHost}` }).baseUrl, platform.id).to.equal(
                `https://${platform.apiHost}`
            );
        }
    });

    it('rejects the web console host with a hint naming the API server', () => {
        const problem = problemAt({ ...MINIMAL, host: 'qualysguard.qg2.apps.qualys.com' }, 'host');
        expect(problem.message).to.contain('web console');
        expect(problem.hint).to.contain("'qualysapi.qg2.apps.qualys.com'");
        expect(problemAt({ ...MINIMAL, host: 'https://qualysguard.qualys.eu/' }, 'host').hint).to.contain(
            'qualysapi.qualys.eu'
        );
        expect(problemAt({ ...MINIMAL, host: 'qualysguard.acme.qualys.com' }, 'host').hint).to.contain(
            'qualysapi.acme.qualys.com'
        );
        expect(problemAt({ ...MINIMAL, host: 'gateway.qg3.apps.qualys.com' }, 'host').hint).to.contain(
            'qualysapi.qg3.apps.qualys.com'
        );
    });

    it('rejects plain http except on loopback hosts', () => {
        const problem = problemAt({ ...MINIMAL, host: 'http://qualysapi.qualys.com' }, 'host');
        expect(problem.message).to.contain('https');
        expect(problem.hint).to.contain('https://qualysapi.qualys.com');
        expect(problemAt({ ...MINIMAL, host: 'http://10.0.0.5:8080' }, 'host').message).to.contain('https');
        expect(valid({ ...MINIMAL, host: 'http://127.0.0.1:8080' }).baseUrl).to.equal('http://127.0.0.1:8080');
        expect(valid({ ...MINIMAL, host: 'http://127.10.0.1:8080' }).baseUrl).to.equal('http://127.10.0.1:8080');
        expect(valid({ ...MINIMAL, host: 'http://localhost:3000/' }).baseUrl).to.equal('http://localhost:3000');
        expect(valid({ ...MINIMAL, host: 'http://[::1]:3000' }).baseUrl).to.equal('http://[::1]:3000');
        expect(problemAt({ ...MINIMAL, host: 'ftp://qualysapi.qualys.com' }, 'host').message).to.contain('https://');
    });

    it('rejects URLs with credentials, a path, a query or a fragment', () => {
        const withCredentials = problemAt(
            { ...MINIMAL, host: `https://acme_ab12:${PASSWORD}@qualysapi.qualys.com` },
            'host'
        );
        expect(withCredentials.message).to.contain('credentials');
        expect(withCredentials.hint).to.contain('https://qualysapi.qualys.com');
        const withPath = problemAt({ ...MINIMAL, host: 'https://qualysapi.qualys.com/api/2.0/fo/' }, 'host');
        expect(withPath.message).to.contain('path');
        expect(withPath.hint).to.contain("'https://qualysapi.qualys.com'");
        expect(problemAt({ ...MINIMAL, host: 'https://qualysapi.qualys.com/?action=list' }, 'host').message).to.contain(
            'query'
        );
        expect(problemAt({ ...MINIMAL, host: 'https://qualysapi.qualys.com?' }, 'host').message).to.contain('query');
        expect(problemAt({ ...MINIMAL, host: 'qualysapi.qualys.com#top' }, 'host').message).to.contain('fragment');
        expect(problemAt({ ...MINIMAL, host: 'https://' }, 'host').message).to.match(/host name|URL/);
    });

    it('requires a non-empty username and password', () => {
        expect(problemAt({ host: MINIMAL.host }, 'username').message).to.equal('is required');
        expect(problemAt({ host: MINIMAL.host }, 'password').message).to.equal('is required');
        expect(problemAt({ ...MINIMAL, username: '' }, 'username').message).to.equal('must not be empty');
        expect(problemAt({ ...MINIMAL, password: '' }, 'password').message).to.equal('must not be empty');
        expect(problemAt({ ...MINIMAL, username: '   ' }, 'username').message).to.equal('must not be blank');
        expect(problemAt({ ...MINIMAL, password: 42 }, 'password').message).to.contain('must be a string');
    });

    it('reports unknown fields at their own path, with a suggestion for a typo', () => {
        expect(problemAt({ ...MINIMAL, region: 'US1' }, 'region').message).to.contain('unknown field');
        expect(problemAt({ ...MINIMAL, truncationlimit: 10 }, 'truncationlimit').hint).to.contain('truncationLimit');
        expect(
            problemAt({ ...MINIMAL, apiVersion: { hostDetections: '5.0' } }, 'apiVersion.hostDetections').message
        ).to.contain('unknown field');
    });

    it('reports every problem at once, each with its path', () => {
        const problems = problemsOf({
            host: 'qualysguard.qg2.apps.qualys.com',
            password: PASSWORD,
            truncationLimit: 0,
            statuses: ['Open'],
            initialLookback: 'a month',
            windowOverlap: '15 minutes',
            timeoutSeconds: 'slow',
            apiVersion: { hostDetection: '9.0' },
            proxy: 'socks5://proxy:1080'
        });
        expect(problems.map(p => p.path).sort()).to.deep.equal(
            [
                'apiVersion.hostDetection',
                'host',
                'initialLookback',
                'proxy',
                'statuses[0]',
                'timeoutSeconds',
                'truncationLimit',
                'username',
                'windowOverlap'
            ].sort()
        );
        expect(problems.find(p => p.path === 'initialLookback')).to.deep.include({ message: 'is not a duration' });
        expect(problems.find(p => p.path === 'apiVersion.hostDetection')?.message).to.contain("'5.0'");
    });

    it('reports a wrong type of host once, without listing every platform', () => {
        const problems = problemsOf({ ...MINIMAL, host: 42 });
        expect(problems).to.have.length(1);
        expect(problems[0]).to.deep.include({ path: 'host', message: 'must be a string, not an integer' });
    });

    it('never throws on input that is not an object', () => {
        for (const raw of [undefined, null, 'qualysapi.qualys.com', 42, []]) {
            const result = validateQualysConfig(raw);
            expect(result.ok, JSON.stringify(raw)).to.equal(false);
        }
    });

    it('never puts the password in a problem, even where the input quotes it', () => {
        const inputs = [
            { ...MINIMAL, host: `https://acme_ab12:${PASSWORD}@qualysapi.qualys.com` },
            { ...MINIMAL, host: `${PASSWORD}.example.com/x` },
            { ...MINIMAL, host: `https://qualysapi.qualys.com/?password=${PASSWORD}` },
            { ...MINIMAL, [PASSWORD]: true },
            { ...MINIMAL, initialLookback: PASSWORD, truncationLimit: -1 }
        ];
        for (const raw of inputs) {
            const text = JSON.stringify(problemsOf(raw));
            expect(text).not.to.contain(PASSWORD);
            expect(text).not.to.contain('S3cr3t');
        }
    });

    it('hides a short password only where it stands alone, keeping the messages readable', () => {
        const problems = problemsOf({ host: 'http://qualysapi.qualys.com', username: 'u', password: 'pw', pw: true });
        expect(problems.find(p => p.path === 'host')?.hint).to.equal("Use 'https://qualysapi.qualys.com'");
        expect(problems.map(p => p.path)).to.include('[REDACTED]');
        expect(JSON.stringify(problems)).not.to.match(/\bpw\b/);
    });

    it('returns the proxy password as a secret, raw and decoded', () => {
        const result = validateQualysConfig({ ...MINIMAL, proxy: 'http://svc:pr%40xy@proxy.example.com:3128' });
        expect(result.ok && result.secrets).to.deep.equal([PASSWORD, 'pr%40xy', 'pr@xy']);
    });
});

describe('validateQualysConfig: token authentication', () => {
    it("derives the gateway of a platform's API server and of a private cloud's", () => {
        const platform = validateQualysConfig({
            ...MINIMAL,
            host: 'qualysapi.qg2.apps.qualys.com',
            authMethod: 'token'
        });
        expect(platform.ok && platform.config).to.include({
            authMethod: 'token',
            gatewayUrl: 'https://gateway.qg2.apps.qualys.com'
        });
        const privateCloud = validateQualysConfig({
            ...MINIMAL,
            host: 'qualysapi.acme.qualys.com',
            authMethod: 'token'
        });
        expect(privateCloud.ok && privateCloud.config.gatewayUrl).to.equal('https://gateway.acme.qualys.com');
        const loopback = validateQualysConfig({ ...MINIMAL, host: 'http://127.0.0.1:8443', authMethod: 'token' });
        expect(loopback.ok && loopback.config.gatewayUrl).to.equal('http://127.0.0.1:8443');
    });

    it('takes a configured gateway and refuses an API server or console there, with the gateway to use', () => {
        const given = validateQualysConfig({
            ...MINIMAL,
            host: 'api.internal.example',
            authMethod: 'token',
            gatewayUrl: 'https://sso-gateway.internal.example/'
        });
        expect(given.ok && given.config.gatewayUrl).to.equal('https://sso-gateway.internal.example');
        expect(
            problemsOf({ ...MINIMAL, authMethod: 'token', gatewayUrl: 'qualysapi.qg2.apps.qualys.com' })
        ).to.deep.equal([
            {
                path: 'gatewayUrl',
                message:
                    "'qualysapi.qg2.apps.qualys.com' is not a gateway: tokens come from the gateway of your platform",
                hint: "Use 'https://gateway.qg2.apps.qualys.com' (see https://www.qualys.com/platform-identification/)"
            }
        ]);
    });

    it('asks for the gateway of a custom API server, and refuses a gateway without token authentication', () => {
        const [missing] = problemsOf({ ...MINIMAL, host: 'api.internal.example', authMethod: 'token' });
        expect(missing).to.include({
            path: 'gatewayUrl',
            message: "is required for token authentication with the API server 'api.internal.example'"
        });
        expect(problemsOf({ ...MINIMAL, gatewayUrl: 'https://gateway.qg1.apps.qualys.com' })).to.deep.equal([
            {
                path: 'gatewayUrl',
                message: 'is only used with token authentication',
                hint: "Remove it, or set 'authMethod: token'"
            }
        ]);
        expect(problemsOf({ ...MINIMAL, authMethod: 'oauth' }).map(p => p.path)).to.deep.equal(['authMethod']);
    });
});

describe('connector.json', () => {
    it('is a valid manifest whose secret fields are the password and the proxy', () => {
        const result = validateManifest(QUALYS_MANIFEST);
        expect(result.ok, JSON.stringify(result.ok ? [] : result.problems)).to.equal(true);
        expect(secretFieldPaths(QUALYS_MANIFEST.configSchema).sort()).to.deep.equal(['password', 'proxy']);
        expect(QUALYS_MANIFEST).to.include({ id: 'signal-client.qualys', entry: 'dist/index.js', multiInstance: true });
        expect(QUALYS_MANIFEST.auth).to.deep.equal({ method: 'basic', alternatives: ['token'] });
    });

    it('lists every shared platform as a titled choice of host', () => {
        const host = (
            QUALYS_MANIFEST.configSchema.properties as Record<string, { anyOf: { const?: string; title: string }[] }>
        ).host;
        const choices = host.anyOf.filter(choice => choice.const !== undefined);
        expect(choices.map(choice => choice.const)).to.deep.equal(QUALYS_PLATFORMS.map(p => p.apiHost));
        expect(choices[1].title).to.equal('US2 — qualysapi.qg2.apps.qualys.com');
    });
});
