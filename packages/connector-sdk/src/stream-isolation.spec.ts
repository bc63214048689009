import { expect } from 'chai';
import type { PollBatch, PollItem } from './connector.js';
import { ConnectorError } from './connector-error.js';
import type { StreamStatus } from './stream.js';
import { asConnectorError, isolateStream, runStreams, type StreamRun } from './stream-isolation.js';
import { CapturedLogger } from './testing/captured-logger.js';

function batch(stream: string, n: number): PollBatch<{ n: number }> {
    return { stream, artifacts: [], checkpoint: { n } };
}

/** A stream that yields `count` batches, then throws `error` if given. */
function stream(id: string, count: number, error?: unknown): StreamRun {
    return {
        stream: id,
        async *poll() {
            for (let n = 1; n <= count; n++) yield batch(id, n);
            if (error !== undefined) throw error;
        }
    };
}

async function collect(items: AsyncIterable<PollItem>): Promise<PollItem[]> {
    const all: PollItem[] = [];
    for await (const item of items) all.push(item);
    return all;
}

/** `stream:n` for a batch, `stream:status` (and the error kind) for a status. */
function describeItems(items: readonly PollItem[]): string[] {
    return items.map(item =>
        'status' in item
            ? `${item.stream}:${item.status}${item.status === 'failed' ? `(${item.error.kind})` : ''}`
            : `${item.stream}:${(item.checkpoint as { n: number }).n}`
    );
}

describe('runStreams', () => {
    const signal = new AbortController().signal;

    it('runs the streams in order and ends each with complete', async () => {
        const items = await collect(runStreams([stream('a', 2), stream('b', 1)], { signal }));
        expect(describeItems(items)).to.deep.equal(['a:1', 'a:2', 'a:complete', 'b:1', 'b:complete']);
    });

    it('turns a failing stream into a failed status, logs it, and runs the next stream anyway', async () => {
        const logger = new CapturedLogger();
        const failure = new ConnectorError('permission', 'the account may not list scans', { hint: 'grant it' });
        const items = await collect(runStreams([stream('scans', 1, failure), stream('hosts', 2)], { signal, logger }));

        expect(describeItems(items)).to.deep.equal([
            'scans:1',
            'scans:failed(permission)',
            'hosts:1',
            'hosts:2',
            'hosts:complete'
        ]);
        expect((items[1] as StreamStatus & { status: 'failed' }).error).to.equal(failure);
        expect(logger.messages('warn')).to.deep.equal([
            'Stream scans failed (permission): the account may not list scans'
        ]);
        expect(logger.entries[0].meta).to.include({ stream: 'scans', error: failure });
    });

    it('maps what is not a ConnectorError to protocol or transient, keeping the cause', async () => {
        const typeError = new TypeError("Cannot read properties of undefined (reading 'id')");
        const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        const other = new Error('disk I/O error');
        const items = await collect(
            runStreams([stream('a', 0, typeError), stream('b', 0, reset), stream('c', 0, other)], { signal })
        );

        const errors = items.map(item => (item as StreamStatus & { status: 'failed' }).error);
        expect(errors.map(error => [error.kind, error.message, error.hint])).to.deep.equal([
            [
                'protocol',
                "stream 'a' failed unexpectedly: Cannot read properties of undefined (reading 'id')",
                'report this to the plugin maintainers, with the log'
            ],
            ['transient', "stream 'b': network error ECONNRESET: socket hang up", undefined],
            [
                'transient',
                "stream 'c' failed unexpectedly: disk I/O error",
                'report this to the plugin maintainers, with the log'
            ]
        ]);
        expect(errors.map(error => error.cause)).to.deep.equal([typeError, reset, other]);
    });

    it("takes a stream's own status as its end and reads it no further", async () => {
        let readOn = false;
        const own: StreamRun = {
            stream: 'kb',
            async *poll() {
                yield batch('kb', 1);
                yield { stream: 'kb', status: 'failed', error: new ConnectorError('rate_limited', 'blocked') };
                readOn = true;
                yield batch('kb', 2);
            }
        };
        const items = await collect(runStreams([own, stream('b', 1)], { signal }));

        expect(describeItems(items)).to.deep.equal(['kb:1', 'kb:failed(rate_limited)', 'b:1', 'b:complete']);
        expect(readOn).to.equal(false);
    });

    it('fails a stream that yields an item of another stream', async () => {
        const confused: StreamRun = {
            stream: 'a',
            async *poll() {
                yield batch('b', 1);
            }
        };
        const [status] = await collect(isolateStream(confused, { signal }));

        expect(status).to.deep.include({ stream: 'a', status: 'failed' });
        expect((status as StreamStatus & { status: 'failed' }).error.message).to.equal(
            "stream 'a' yielded an item of stream 'b'"
        );
    });

    it('once the signal aborted: rethrows an error, reports no status, and starts no further stream', async () => {
        const controller = new AbortController();
        const stopped = new Error('aborted');
        const aborting: StreamRun = {
            stream: 'a',
            async *poll() {
                yield batch('a', 1);
                controller.abort();
                throw stopped;
            }
        };
        const thrown = await collect(runStreams([aborting, stream('b', 1)], { signal: controller.signal })).then(
            () => undefined,
            (error: unknown) => error
        );
        expect(thrown).to.equal(stopped);

        const later = new AbortController();
        const returning: StreamRun = {
            stream: 'a',
            async *poll() {
                yield batch('a', 1);
                later.abort();
            }
        };
        const items = await collect(runStreams([returning, stream('b', 1)], { signal: later.signal }));
        expect(describeItems(items)).to.deep.equal(['a:1']);
    });

    it('closes the running stream when the consumer stops early', async () => {
        let closed = false;
        const long: StreamRun = {
            stream: 'a',
            async *poll() {
                try {
                    for (let n = 1; ; n++) yield batch('a', n);
                } finally {
                    closed = true;
                }
            }
        };
        for await (const item of runStreams([long], { signal })) {
            if ('checkpoint' in item && (item.checkpoint as { n: number }).n === 2) break;
        }
        expect(closed).to.equal(true);
    });

    it('refuses the same stream twice', async () => {
        const error = await collect(runStreams([stream('a', 1), stream('a', 1)], { signal })).then(
            () => undefined,
            (e: unknown) => e
        );
        expect(error).to.be.instanceOf(TypeError);
        expect((error as Error).message).to.equal("runStreams: stream 'a' is given twice");
    });
});

describe('asConnectorError', () => {
    it('returns a ConnectorError as it is', () => {
        const error = new ConnectorError('auth', 'refused');
        expect(asConnectorError(error, 'x')).to.equal(error);
    });

    it('reads a SyntaxError as protocol and a thrown non-Error as transient', () => {
        expect(asConnectorError(new SyntaxError('Unexpected token <'), 'the page').kind).to.equal('protocol');
        const odd = asConnectorError('boom', 'the page');
        expect([odd.kind, odd.message]).to.deep.equal(['transient', 'the page failed unexpectedly: boom']);
    });
});
