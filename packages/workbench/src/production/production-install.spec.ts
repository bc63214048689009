import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseDuration } from '@signal-connectors/connector-sdk';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import { parse } from 'yaml';
import {
    expectedKeys,
    findingKeys,
    readArtifacts,
    runCli,
    tempDir,
    writeTestConfig
} from '../e2e/cli-process.spec.helper.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const INSTALL_SCRIPT = join(REPO_ROOT, 'scripts', 'install-production.sh');

/** Development-only packages that a production install must not contain. */
const DEV_ONLY = ['typescript', 'mocha', 'chai', 'nock', 'eslint', 'node', 'lerna', '@types/node'];

describe('production install (scripts/install-production.sh, as the Dockerfile runs it)', function () {
    this.timeout(240_000);
    const password = 'Prod-Install-Secret-4417';
    let sandbox: QualysSandbox;
    let dir: { path: string; remove: () => Promise<void> };
    let app: string;
    let signalClient: string;

    before(async () => {
        dir = await tempDir('signal-production');
        app = join(dir.path, 'app');
        // The Node 24 binary running this test stands in for the image's: the install itself brings no Node.
        await promisify(execFile)('bash', [INSTALL_SCRIPT, app], { cwd: REPO_ROOT, timeout: 200_000 });
        signalClient = join(app, 'node_modules', '@signal-connectors', 'host-runtime', 'bin', 'signal-client.js');
        sandbox = await QualysSandbox.start({ hosts: 25, detectionsPerHost: 4, kbSize: 40, password, wallClock: true });
        await writeTestConfig(dir.path, { sandboxUrl: sandbox.url });
    });

    after(async () => {
        await sandbox?.close();
        await dir?.remove();
    });

    it('installs the runtime, the SDK and the plugin with production dependencies only', async () => {
        const scoped = await readdir(join(app, 'node_modules', '@signal-connectors'));
        expect(scoped.sort()).to.deep.equal(['connector-sdk', 'host-runtime', 'qualys-plugin']);
        for (const name of DEV_ONLY) {
            expect(existsSync(join(app, 'node_modules', name)), `${name} is a development dependency`).to.equal(false);
        }
        const runtime = join(app, 'node_modules', '@signal-connectors', 'host-runtime', 'dist');
        expect(existsSync(join(runtime, 'index.js'))).to.equal(true);
        const specs = (await readdir(runtime, { recursive: true })).filter(name => String(name).includes('.spec.'));
        expect(specs, 'compiled tests are not shipped').to.deep.equal([]);
    });

    it('lists the plugin in the catalog, validates the config and polls the sandbox', async () => {
        const env = { QUALYS_PASSWORD: password };
        const catalog = await runCli(['catalog', '--json'], { cwd: dir.path, env, bin: signalClient });
        expect(catalog.code, catalog.stderr).to.equal(0);
        const entries = JSON.parse(catalog.stdout) as { id: string; package: { name: string } }[];
        expect(entries.map(entry => entry.id)).to.deep.equal(['signal-client.qualys']);

        const validate = await runCli(['validate'], { cwd: dir.path, env, bin: signalClient });
        expect(validate.code, validate.stdout + validate.stderr).to.equal(0);

        const poll = await runCli(['poll', 'qualys-test', '--log-format', 'text'], {
            cwd: dir.path,
            env,
            bin: signalClient,
            timeoutMs: 60_000
        });
        expect(poll.code, poll.stdout + poll.stderr).to.equal(0);
        expect(poll.stderr).to.match(/\[INFO\] qualys: fetched host detections/);
        const artifacts = await readArtifacts(join(dir.path, 'data', 'artifacts', 'qualys-test'));
        expect(findingKeys(artifacts)).to.deep.equal(expectedKeys(sandbox.tenant.expectedDetections({})));
        expect(poll.stdout + poll.stderr).to.not.contain(password);
    });
});

describe('container files (Dockerfile, docker-compose.yml, examples/signal-client.container.yaml)', () => {
    const read = (name: string): string => readFileSync(join(REPO_ROOT, name), 'utf8');

    it('builds the image with the tested production install and runs it as a non-root service', () => {
        const dockerfile = read('Dockerfile');
        expect(dockerfile).to.match(/^FROM node:24[\w.-]* AS build$/m);
        expect(dockerfile).to.match(
            /^RUN npm ci .*\n\s+&& npm run build \\\n\s+&& bash scripts\/install-production\.sh \/app/m
        );
        expect(dockerfile).to.match(/^USER node$/m);
        expect(dockerfile).to.match(/^VOLUME \/data$/m);
        expect(dockerfile).to.match(/^EXPOSE 9464$/m);
        expect(dockerfile).to.match(/HEALTHCHECK [\s\S]*CMD \["node", "-e", ".*\/healthz/);
        expect(dockerfile).to.match(/^ENTRYPOINT \["\/usr\/bin\/tini", "--", "node", /m);
    });

    it('names the service signal-client-svc, keeps data in a named volume and the admin port on loopback', () => {
        const compose = parse(read('docker-compose.yml')) as {
            services: Record<string, Record<string, unknown>>;
            volumes: Record<string, unknown>;
        };
        const service = Object.values(compose.services)[0];
        expect(service.container_name).to.equal('signal-client-svc');
        expect(service.volumes).to.include('signal-data:/data');
        expect(Object.keys(compose.volumes)).to.include('signal-data');
        expect(service.ports).to.deep.equal(['127.0.0.1:9464:9464']);
        expect(service.env_file).to.equal('.env');
        // The runtime waits up to 30 s for polls to reach a batch boundary; SIGKILL must not come first.
        expect(parseDuration(String(service.stop_grace_period))).to.be.greaterThan(30_000);
    });

    it('ships a container config that validates and listens where the image exposes', async () => {
        const example = join(REPO_ROOT, 'examples', 'signal-client.container.yaml');
        const config = parse(readFileSync(example, 'utf8')) as { admin: { listen: string }; dataDir: string };
        expect(config.admin.listen).to.equal('0.0.0.0:9464');
        expect(config.dataDir).to.equal('/data');
        const result = await runCli(['validate', '--config', example], {
            cwd: REPO_ROOT,
            env: { QUALYS_PASSWORD: 'Example-Secret-1' }
        });
        expect(result.code, result.stdout + result.stderr).to.equal(0);
    });
});
