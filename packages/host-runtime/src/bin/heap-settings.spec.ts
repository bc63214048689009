import { expect } from 'chai';
import { heapFlags, launchEnvironment } from './heap-settings.js';

describe('heapFlags', () => {
    const flags = (env: Record<string, string> = {}, execArgv: string[] = []): string[] => heapFlags({ env, execArgv });

    it('caps the old generation at 256 MB and the semi-spaces at 8 MB', () => {
        expect(flags()).to.deep.equal(['--max-old-space-size=256', '--max-semi-space-size=8']);
    });

    it("keeps the user's own settings from NODE_OPTIONS or node's command line", () => {
        expect(flags({ NODE_OPTIONS: '--enable-source-maps --max-old-space-size=2048' })).to.deep.equal([
            '--max-semi-space-size=8'
        ]);
        expect(flags({ NODE_OPTIONS: '--max_semi_space_size=32' })).to.deep.equal(['--max-old-space-size=256']);
        expect(flags({}, ['--max-old-space-size=512', '--max-semi-space-size=16'])).to.deep.equal([]);
    });

    it('takes the old-generation cap from SIGNAL_CLIENT_HEAP_MB, and leaves the heap alone with off', () => {
        expect(flags({ SIGNAL_CLIENT_HEAP_MB: '384' })).to.include('--max-old-space-size=384');
        expect(flags({ SIGNAL_CLIENT_HEAP_MB: 'OFF' })).to.deep.equal([]);
        // A value that cannot be a heap size is ignored rather than starting a process that cannot run.
        expect(flags({ SIGNAL_CLIENT_HEAP_MB: '12' })).to.include('--max-old-space-size=256');
        expect(flags({ SIGNAL_CLIENT_HEAP_MB: 'lots' })).to.include('--max-old-space-size=256');
    });
});

describe('launchEnvironment', () => {
    it('limits malloc to two arenas and keeps the rest of the environment', () => {
        expect(launchEnvironment({ PATH: '/bin', LOG_LEVEL: 'debug' })).to.deep.equal({
            PATH: '/bin',
            LOG_LEVEL: 'debug',
            MALLOC_ARENA_MAX: '2'
        });
    });

    it("keeps the user's own MALLOC_ARENA_MAX", () => {
        expect(launchEnvironment({ MALLOC_ARENA_MAX: '8' }).MALLOC_ARENA_MAX).to.equal('8');
    });
});
