import { expect } from 'chai';
import { SystemClock } from '../clock.js';
import { GotHttpClientFactory } from '../http/got-http-client-factory.js';
import { CapturedLogger } from './captured-logger.js';
import { InMemoryKeyValueStore } from '../in-memory-key-value-store.js';
import { createTestContext } from './test-context.js';

describe('createTestContext', () => {
    it('fills in test doubles and the real HTTP client factory', () => {
        const ctx = createTestContext();
        expect(ctx).to.include({ connectorId: 'test.connector', instanceId: 'test' });
        expect(ctx.logger).to.be.instanceOf(CapturedLogger);
        expect((ctx.logger as CapturedLogger).labels).to.deep.equal({ connector: 'test.connector', instance: 'test' });
        expect(ctx.clock).to.be.instanceOf(SystemClock);
        expect(ctx.http).to.be.instanceOf(GotHttpClientFactory);
        expect(ctx.store).to.be.instanceOf(InMemoryKeyValueStore).and.not.equal(ctx.pluginStore);
        expect(ctx.signal.aborted).to.equal(false);
        expect(ctx.runId).to.match(/^[0-9a-f-]{36}$/);
        expect(Math.abs(ctx.startedAt - Date.now())).to.be.lessThan(5000);
    });

    it('keeps what it is given', () => {
        const logger = new CapturedLogger();
        const signal = AbortSignal.abort();
        const ctx = createTestContext({
            connectorId: 'x.y',
            instanceId: 'i',
            logger,
            signal,
            runId: 'run-1',
            startedAt: 42
        });
        expect(ctx).to.include({ connectorId: 'x.y', instanceId: 'i', logger, signal, runId: 'run-1', startedAt: 42 });
    });
});
