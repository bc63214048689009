import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigProblem } from '@signal-connectors/connector-sdk';
import { loadRuntimeConfig, parseRuntimeConfig, type RuntimeConfigResult } from './config-loader.js';
import { adminConfig, type RuntimeConfig } from './runtime-config.js';

const EXAMPLE = `
dataDir: ./data                  # the state store and the default sink live here
sink:
  type: jsonl
  path: ./data/artifacts
admin:
  listen: 127.0.0.1:9464
instances:
  - id: qualys-prod
    connector: signal-client.qualys
    enabled: true
    pollingInterval: 30m
    settings:
      host: qualysapi.qualys.com
      username: acme_ab12
      password: \${env:QUALYS_PASSWORD}
  - id: qualys-lab
    connector: signal-client.qualys
    protocolRetries: 3
    settings:
      host: qualysapi.qg2.apps.qualys.com
      username: acme_lab
      password: \${file:secrets/qualys-lab}
      anyPluginField: { nested: true }
`;

function config(result: RuntimeConfigResult): RuntimeConfig {
    if (!result.ok) expect.fail(`expected a valid config, got ${JSON.stringify(result.problems)}`);
    return result.config;
}

function problems(result: RuntimeConfigResult): ConfigProblem[] {
    if (result.ok) expect.fail('expected problems');
    return result.problems;
}

describe('loadRuntimeConfig', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'runtime-config-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const parse = (text: string, env: Record<string, string> = {}): Promise<RuntimeConfigResult> =>
        parseRuntimeConfig(text, { baseDir: dir, env });

    it('loads the documented shape, resolving paths against the file and secrets from env and files', async () => {
        const path = join(dir, 'signal-client.yaml');
        writeFileSync(path, EXAMPLE);
        mkdirSync(join(dir, 'secrets'));
        writeFileSync(join(dir, 'secrets', 'qualys-lab'), 'lab-password\n');

        const loaded = config(await loadRuntimeConfig(path, { QUALYS_PASSWORD: 'prod-password' }));
        expect(loaded.sourcePath).to.equal(path);
        expect(loaded.dataDir).to.equal(join(dir, 'data'));
        expect(loaded.sink).to.deep.equal({ type: 'jsonl', path: join(dir, 'data', 'artifacts') });
        expect(loaded.admin).to.deep.equal(adminConfig({ listen: '127.0.0.1:9464' }));
        expect(loaded.instances[0]).to.deep.equal({
            id: 'qualys-prod',
            connector: 'signal-client.qualys',
            enabled: true,
            pollingInterval: '30m',
            settings: { host: 'qualysapi.qualys.com', username: 'acme_ab12', password: 'prod-password' }
        });
        expect(loaded.instances[1].enabled).to.equal(true);
        expect(loaded.instances[1].protocolRetries).to.equal(3);
        expect(loaded.instances[1].settings).to.deep.include({
            password: 'lab-password',
            anyPluginField: { nested: true }
        });
        expect(loaded.secrets).to.have.members(['prod-password', 'lab-password']);
    });

    it('applies the defaults to a minimal config', async () => {
        const loaded = config(await parse('instances: []\n'));
        expect(loaded).to.deep.equal({
            dataDir: join(dir, 'data'),
            sink: { type: 'jsonl', path: join(dir, 'data', 'artifacts') },
            admin: adminConfig({ listen: '127.0.0.1:9464' }),
            pluginDirs: [],
            maxConcurrentPolls: 2,
            secrets: [],
            instances: []
        });
        const custom = config(
            await parse(
                'dataDir: /var/lib/sc\nadmin: { enabled: false }\npluginDirs: [plugins]\nsink: { type: jsonl }\n'
            )
        );
        expect(custom.sink).to.deep.equal({ type: 'jsonl', path: '/var/lib/sc/artifacts' });
        expect(custom.admin.enabled).to.equal(false);
        expect(custom.pluginDirs).to.deep.equal([join(dir, 'plugins')]);
    });

    it('reads the log section and refuses an unknown format', async () => {
        expect(config(await parse('log: { format: text, level: debug }\n')).log).to.deep.equal({
            format: 'text',
            level: 'debug'
        });
        const found = problems(await parse('log: { format: colour }\n'));
        expect(found.map(problem => problem.path)).to.deep.equal(['log.format']);
    });

    it('reports every problem at once, each with its path', async () => {
        const found = problems(
            await parse(`
dataDir: ./data
sink: { type: kafka }
admin: { listen: 'everywhere', enable: true }
maxConcurrentPolls: 0
extra: 1
instances:
  - id: Qualys Prod
    connector: signal-client.qualys
    pollingInterval: 30 minutes
    setings: {}
  - id: dup
    connector: signal-client.qualys
    settings: { unknownToTheHost: ok }
  - id: dup
    pollTimeout: 0s
    protocolRetries: -1
`)
        );
        const byPath = (path: string): string[] => found.filter(p => p.path === path).map(p => p.message);
        expect(byPath('sink.type')[0]).to.contain("'jsonl', 'stdout', 'http'");
        expect(byPath('admin.listen')[0]).to.contain('host:port');
        expect(found.find(p => p.path === 'admin.enable')).to.deep.include({ hint: "did you mean 'enabled'?" });
        expect(byPath('maxConcurrentPolls')).to.have.length(1);
        expect(byPath('extra')[0]).to.contain('unknown field');
        expect(byPath('instances[0].id')[0]).to.contain('expected form');
        expect(byPath('instances[0].pollingInterval')[0]).to.contain('not a duration');
        expect(byPath('instances[0].setings')[0]).to.contain('unknown field');
        expect(byPath('instances[2].id')).to.deep.equal(["duplicate instance id 'dup', also used at instances[1].id"]);
        expect(byPath('instances[2].connector')).to.deep.equal(['is required']);
        expect(byPath('instances[2].pollTimeout')).to.deep.equal(['must be longer than 0']);
        expect(byPath('instances[2].protocolRetries')).to.have.length(1);
        expect(found.some(p => p.path.startsWith('instances[1]'))).to.equal(false);
    });

    it('reports YAML syntax errors with line and column', async () => {
        const found = problems(await parse('instances:\n  - id: a\n    connector: [x, y\n'));
        expect(found[0].message).to.match(/^YAML syntax error at \d+:\d+: /);
        expect(problems(await parse('a: 1\na: 2\n'))[0].message).to.contain('at 2:1');
    });

    it('reports a missing config file instead of throwing', async () => {
        const found = problems(await loadRuntimeConfig(join(dir, 'nope.yaml'), {}));
        expect(found[0].message).to.contain(join(dir, 'nope.yaml')).and.contain('does not exist');
    });

    it('builds an http sink with resolved, secret headers and checks fields against the sink type', async () => {
        const http = config(
            await parse(
                'sink:\n  type: http\n  url: https://collector.example.com/ingest\n  batchSize: 200\n' +
                    '  headers: { Authorization: "Bearer ${env:SINK_TOKEN}", X-Tenant: acme }\n',
                { SINK_TOKEN: 'sink-token-value' }
            )
        );
        expect(http.sink).to.deep.equal({
            type: 'http',
            url: 'https://collector.example.com/ingest',
            batchSize: 200,
            headers: { Authorization: 'Bearer sink-token-value', 'X-Tenant': 'acme' }
        });
        expect(http.secrets).to.have.members(['sink-token-value', 'Bearer sink-token-value']);

        const found = problems(await parse('sink: { type: http, path: ./out, url: "https://u:p@example.com/" }\n'));
        expect(found.map(p => `${p.path}: ${p.message}`)).to.deep.equal([
            "sink.path: is only used by sink type 'jsonl'; remove it",
            'sink.url: must not contain credentials'
        ]);
        expect(problems(await parse('sink: { type: http }\n'))).to.deep.equal([
            { path: 'sink.url', message: 'is required' }
        ]);
        expect(problems(await parse('dataDir: ${env:DATA}\n'))[0].path).to.equal('dataDir');
        expect(config(await parse('sink: { type: stdout }\n')).sink).to.deep.equal({ type: 'stdout' });
    });

    it('accepts plain http:// for an http sink on loopback only, unless allowInsecureHttp says so', async () => {
        const refused = problems(await parse('sink: { type: http, url: "http://collector.example.com/in" }\n'));
        expect(refused).to.deep.equal([
            {
                path: 'sink.url',
                message:
                    'plain http:// to collector.example.com would send every artifact and sink.headers unencrypted',
                hint: 'use https://, or set sink.allowInsecureHttp: true if the network in between is trusted'
            }
        ]);
        const allowed = config(
            await parse('sink: { type: http, url: "http://collector.example.com/in", allowInsecureHttp: true }\n')
        );
        expect(allowed.sink).to.deep.include({ allowInsecureHttp: true });
        expect(
            config(await parse('sink: { type: http, url: "http://127.0.0.1:8080/in" }\n')).sink
        ).to.not.have.property('allowInsecureHttp');
        expect(problems(await parse('sink: { type: jsonl, allowInsecureHttp: true }\n'))[0].message).to.equal(
            "is only used by sink type 'http'; remove it"
        );
    });

    it('resolves a JSONL sink group by name or id, and reports one that does not exist', async () => {
        expect(config(await parse('sink: { type: jsonl, group: root }\n')).sink).to.deep.include({
            group: { name: 'root', gid: 0 }
        });
        expect(config(await parse('sink: { type: jsonl, group: 4321 }\n')).sink).to.deep.include({
            group: { name: '4321', gid: 4321 }
        });
        expect(problems(await parse('sink: { type: jsonl, group: no-such-group-here }\n'))).to.deep.equal([
            {
                path: 'sink.group',
                message: "group 'no-such-group-here' does not exist on this system",
                hint: 'create it, or give its numeric id (a group only a directory service knows has no name here)'
            }
        ]);
        expect(problems(await parse('sink: { type: stdout, group: root }\n'))[0]).to.deep.include({
            path: 'sink.group'
        });
    });

    it('counts inline values of secret-looking settings as secrets and reports missing variables by name', async () => {
        const inline = config(
            await parse(
                'instances:\n  - id: a\n    connector: x\n    settings: { password: inline-pw, apiKey: k-123 }\n'
            )
        );
        expect(inline.secrets).to.have.members(['inline-pw', 'k-123']);
        const found = problems(
            await parse('instances:\n  - id: a\n    connector: x\n    settings: { password: "${env:QP}" }\n')
        );
        expect(found).to.deep.equal([
            {
                path: 'instances[0].settings.password',
                message: 'environment variable QP is not set',
                hint: "set QP in the service's environment"
            }
        ]);
    });
});
