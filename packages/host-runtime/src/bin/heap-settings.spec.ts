import { expect } from 'chai';
import { heapFlags } from './heap-settings.js';

describe('heapFlags', () => {
    const flags = (args: string[], env: Record<string, string> = {}, execArgv: string[] = []): string[] =>
        heapFlags({ args, env, execArgv });

    it('caps the old generation at 128 MB for one-off commands and 256 MB for the service, semi-spaces at 8 MB', () => {
        expect(flags(['poll', 'qualys-prod', '--config', 'x.yaml'])).to.deep.equal([
            '--max-old-space-size=128',
            '--max-semi-space-size=8'
        ]);
        expect(flags(['--log-level', 'debug', 'run'])).to.include('--max-old-space-size=256');
        expect(flags([])).to.include('--max-old-space-size=128');
    });

    it("keeps the user's own settings from NODE_OPTIONS or node's command line", () => {
        expect(flags(['poll', 'x'], { NODE_OPTIONS: '--enable-source-maps --max-old-space-size=2048' })).to.deep.equal([
            '--max-semi-space-size=8'
        ]);
        expect(flags(['poll', 'x'], { NODE_OPTIONS: '--max_semi_space_size=32' })).to.deep.equal([
            '--max-old-space-size=128'
        ]);
        expect(flags(['run'], {}, ['--max-old-space-size=512', '--max-semi-space-size=16'])).to.deep.equal([]);
    });

    it('takes the old-generation cap from SIGNAL_CLIENT_HEAP_MB, and leaves the heap alone with off', () => {
        expect(flags(['poll', 'x'], { SIGNAL_CLIENT_HEAP_MB: '384' })).to.include('--max-old-space-size=384');
        expect(flags(['run'], { SIGNAL_CLIENT_HEAP_MB: 'OFF' })).to.deep.equal([]);
        // A value that cannot be a heap size is ignored rather than starting a process that cannot run.
        expect(flags(['poll', 'x'], { SIGNAL_CLIENT_HEAP_MB: '12' })).to.include('--max-old-space-size=128');
        expect(flags(['poll', 'x'], { SIGNAL_CLIENT_HEAP_MB: 'lots' })).to.include('--max-old-space-size=128');
    });
});
