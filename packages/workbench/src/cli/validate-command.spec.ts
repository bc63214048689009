import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, tempDir, writeTestConfig } from '../e2e/cli-process.spec.helper.js';
import { EXAMPLE_CONFIG_PATH } from '../demo/demo-banner.js';

describe('signal-client validate', () => {
    let dir: { path: string; remove: () => Promise<void> };

    beforeEach(async () => {
        dir = await tempDir('signal-validate');
    });

    afterEach(async () => {
        await dir.remove();
    });

    it('exits 0 with a one-line summary for a good config', async () => {
        await writeTestConfig(dir.path, { sandboxUrl: 'http://127.0.0.1:9' });

        const result = await runCli(['validate', '--config', 'signal-client.yaml'], {
            cwd: dir.path,
            env: { QUALYS_PASSWORD: 'Good-Secret-1234' }
        });

        expect(result.code, result.stdout + result.stderr).to.equal(0);
        const lines = result.stdout.trim().split('\n');
        expect(lines).to.have.length(1);
        expect(lines[0]).to.match(
            /^OK .*signal-client\.yaml: 1 instance: qualys-test \(signal-client\.qualys\); sink jsonl/
        );
        expect(result.stdout + result.stderr).to.not.contain('Good-Secret-1234');
    });

    it("lists every problem with its path, the runtime's and the plugin's, and exits 1", async () => {
        const yaml = [
            'sink:',
            '  type: kafka',
            'instances:',
            '  - id: qualys-bad',
            '    connector: signal-client.qualys',
            '    pollingInterval: soon',
            '    settings:',
            '      host: qualysguard.qg2.apps.qualys.com',
            '      username: someone',
            '      password: Inline-Secret-5678',
            '  - id: other',
            '    connector: acme.nothing'
        ];
        await writeFile(join(dir.path, 'bad.yaml'), `${yaml.join('\n')}\n`);

        const result = await runCli(['validate', '-c', 'bad.yaml'], { cwd: dir.path });

        expect(result.code).to.equal(1);
        const lines = result.stdout.trim().split('\n');
        expect(lines[0]).to.match(/bad\.yaml: 4 problems$/);
        expect(lines[1]).to.match(/^ {2}instances\[0\]\.pollingInterval: 'soon' is not a duration \(e\.g\. 30m/);
        expect(lines[2]).to.match(
            /^ {2}instances\[0\]\.settings\.host: .*qualysguard.*qualysapi\.qg2\.apps\.qualys\.com/
        );
        expect(lines[3]).to.match(
            /^ {2}instances\[1\]\.connector: unknown connector 'acme\.nothing' \(installed connectors: signal-client\.qualys\)/
        );
        expect(lines[4]).to.match(/^ {2}sink\.type: /);
        expect(result.stdout + result.stderr).to.not.contain('Inline-Secret-5678');
    });

    it('reports a missing file and an unset secret variable', async () => {
        const missing = await runCli(['validate', '--config', 'nowhere.yaml'], { cwd: dir.path });
        expect(missing.code).to.equal(1);
        expect(missing.stdout).to.contain('nowhere.yaml: it does not exist');

        await writeTestConfig(dir.path, { sandboxUrl: 'http://127.0.0.1:9' });
        const unset = await runCli(['validate'], { cwd: dir.path, env: { QUALYS_PASSWORD: undefined } });
        expect(unset.code).to.equal(1);
        expect(unset.stdout).to.contain(
            'instances[0].settings.password: environment variable QUALYS_PASSWORD is not set'
        );
    });

    it('accepts the example config shipped for real Qualys subscriptions', async () => {
        const result = await runCli(['validate', '--config', EXAMPLE_CONFIG_PATH], {
            cwd: dir.path,
            env: { QUALYS_PASSWORD: 'Example-Secret-1' }
        });

        expect(result.code, result.stdout + result.stderr).to.equal(0);
        expect(result.stdout).to.match(/^OK .*signal-client\.example\.yaml: 1 instance: qualys-prod/);
    });
});
