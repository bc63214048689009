import { expect } from 'chai';
import type { CatalogEntry } from '@signal-connectors/host-runtime';
import { runCli, tempDir } from '../e2e/cli-process.spec.helper.js';

describe('signal-client catalog', () => {
    let cwd: { path: string; remove: () => Promise<void> };

    before(async () => {
        // An empty working directory: the plugins come from the runtime's own installation, no config needed.
        cwd = await tempDir('signal-catalog');
    });

    after(async () => {
        await cwd.remove();
    });

    it('lists signal-client.qualys with its settings, the password marked secret', async () => {
        const result = await runCli(['catalog'], { cwd: cwd.path });

        expect(result.code, result.stderr).to.equal(0);
        const text = result.stdout;
        expect(text).to.match(/^1 connector available/);
        expect(text).to.match(
            /signal-client\.qualys\s+Qualys\s+Qualys\s+Vulnerability Management\s+basic\|token\s+30m\s+many/
        );
        expect(text).to.contain('Docs: https://docs.qualys.com/en/vm/api/');
        expect(text).to.contain('auth: basic (default) or token;');
        expect(text).to.contain('host (string, required): API server');
        expect(text).to.contain('password (string, required, secret): Password');
        expect(text).to.contain('truncationLimit (integer, optional): Hosts per page');
        expect(result.stderr).to.equal('');
    });

    it('prints the same catalog as JSON with --json', async () => {
        const result = await runCli(['catalog', '--json'], { cwd: cwd.path });

        expect(result.code, result.stderr).to.equal(0);
        const entries = JSON.parse(result.stdout) as CatalogEntry[];
        const qualys = entries.find(entry => entry.id === 'signal-client.qualys');
        expect(qualys).to.include({
            displayName: 'Qualys',
            vendor: 'Qualys',
            category: 'Vulnerability Management',
            authMethod: 'basic',
            defaultPollingInterval: '30m',
            multiInstance: true,
            docsUrl: 'https://docs.qualys.com/en/vm/api/'
        });
        const fields = new Map(qualys!.fields.map(field => [field.name, field]));
        expect(fields.get('password')).to.include({ secret: true, required: true });
        expect(fields.get('password')).to.not.have.property('default');
        expect(fields.get('proxy')).to.include({ secret: true });
        expect(fields.get('host')).to.include({ secret: false, required: true });
        expect(fields.get('truncationLimit')).to.include({ default: 1000, secret: false });
        expect(qualys!.authAlternatives).to.deep.equal(['token']);
        expect(fields.get('authMethod')).to.include({ default: 'basic', secret: false });
    });

    it('shows the commands in --help and rejects an unknown command with exit 1', async () => {
        const help = await runCli(['--help'], { cwd: cwd.path });
        expect(help.code).to.equal(0);
        for (const command of ['catalog', 'validate', 'test', 'poll', 'run', 'status'])
            expect(help.stdout).to.match(new RegExp(`^  ${command} `, 'm'));
        expect(help.stdout).to.contain('--log-format <format>');

        const unknown = await runCli(['frobnicate'], { cwd: cwd.path });
        expect(unknown.code).to.equal(1);
        expect(unknown.stderr).to.contain("unknown command 'frobnicate'");
    });
});
