import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { ShutdownSignals, type SignalSource } from './shutdown-signals.js';

describe('ShutdownSignals', () => {
    it('asks for a graceful stop on the first signal and forces the exit on the second', async () => {
        const source = new EventEmitter();
        const forced: string[] = [];
        const signals = new ShutdownSignals(signal => forced.push(signal), source as SignalSource);
        expect(signals.stopping).to.equal(false);

        source.emit('SIGTERM', 'SIGTERM');
        expect(await signals.requested).to.equal('SIGTERM');
        expect(signals.stopping).to.equal(true);
        expect(forced).to.deep.equal([]);

        source.emit('SIGINT', 'SIGINT');
        expect(forced).to.deep.equal(['SIGINT']);
    });

    it('removes its listeners when disposed', () => {
        const source = new EventEmitter();
        const signals = new ShutdownSignals(() => undefined, source as SignalSource);
        expect(source.listenerCount('SIGINT')).to.equal(1);

        signals.dispose();

        expect(source.listenerCount('SIGINT')).to.equal(0);
        expect(source.listenerCount('SIGTERM')).to.equal(0);
    });
});
