import { expect } from 'chai';
import { ConnectorError } from '../connector-error.js';
import { CapturedLogger, searchableText } from './captured-logger.js';
import { RecordingMetrics } from './recording-metrics.js';

describe('CapturedLogger', () => {
    it('records level, message, meta and labels; children share the record', () => {
        const logger = new CapturedLogger({ connector: 'example.paged-api' });
        logger.info('started', { pages: 2 });
        logger.child({ instance: 'prod' }).warn('slow page');
        logger.debug('no meta');
        expect(logger.entries).to.deep.equal([
            { level: 'info', message: 'started', meta: { pages: 2 }, labels: { connector: 'example.paged-api' } },
            { level: 'warn', message: 'slow page', labels: { connector: 'example.paged-api', instance: 'prod' } },
            { level: 'debug', message: 'no meta', labels: { connector: 'example.paged-api' } }
        ]);
        expect(logger.messages('warn')).to.deep.equal(['slow page']);
        logger.child({ x: 'y' }).clear();
        expect(logger.entries).to.deep.equal([]);
    });

    it('text() holds meta strings raw, and errors with message, stack, cause and JSON', () => {
        const logger = new CapturedLogger();
        const cause = new Error('socket closed by "peer" \\ oops');
        const error = new ConnectorError('auth', 'login refused', { hint: 'check the password', cause });
        logger.error('poll failed', { error, header: 'pa"ss\\word', nested: { list: [new Map([['k', 'v']])] } });
        const text = logger.text();
        expect(text).to.contain('[error] poll failed');
        expect(text).to.contain('pa"ss\\word');
        expect(text).to.contain('ConnectorError: login refused');
        expect(text).to.contain('check the password');
        expect(text).to.contain('socket closed by "peer" \\ oops');
        expect(text).to.contain(error.stack!.split('\n')[1].trim());
        expect(text).to.contain('Map{k: v}');
    });
});

describe('searchableText', () => {
    it('renders circular structures without looping', () => {
        const value: Record<string, unknown> = { name: 'loop' };
        value.self = value;
        expect(searchableText(value)).to.equal('{name: loop, self: [circular]}');
    });
});

describe('RecordingMetrics', () => {
    it('sums counters and lists observations, filtered by labels', () => {
        const metrics = new RecordingMetrics();
        metrics.increment('api_calls_total', { endpoint: 'items' });
        metrics.increment('api_calls_total', { endpoint: 'items', status: '200' }, 2);
        metrics.increment('api_calls_total', { endpoint: 'me' });
        metrics.observe('page_seconds', 0.5, { endpoint: 'items' });
        metrics.observe('page_seconds', 1.5);
        expect(metrics.total('api_calls_total')).to.equal(4);
        expect(metrics.total('api_calls_total', { endpoint: 'items' })).to.equal(3);
        expect(metrics.observations('page_seconds')).to.deep.equal([0.5, 1.5]);
        expect(metrics.observations('page_seconds', { endpoint: 'items' })).to.deep.equal([0.5]);
        metrics.clear();
        expect(metrics.records).to.deep.equal([]);
    });
});
