import { expect } from 'chai';
import { Writable } from 'node:stream';
import type { Artifact } from '@signal-connectors/connector-sdk';
import { SinkError } from './sink-error.js';
import { StdoutSink } from './stdout-sink.js';

function artifact(id: number): Artifact {
    return {
        id: `a-${id}`,
        type: 'test',
        time: '2025-01-01T00:00:00.000Z',
        source: { connector: 'c', instance: 'i' },
        data: { text: 'x'.repeat(200) }
    };
}

/** A reader that takes 2 ms per chunk, tracking how much the writer let pile up. */
class SlowWritable extends Writable {
    readonly chunks: string[] = [];
    maxBuffered = 0;

    constructor() {
        super({ highWaterMark: 1024, decodeStrings: false });
    }

    override _write(chunk: string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
        this.maxBuffered = Math.max(this.maxBuffered, this.writableLength);
        setTimeout(() => {
            this.chunks.push(chunk.toString());
            callback();
        }, 2);
    }
}

describe('StdoutSink', () => {
    it('writes JSON lines and resolves once a slow stream has taken them all, respecting backpressure', async () => {
        const stream = new SlowWritable();
        const sink = new StdoutSink({ stream, chunkSize: 1024 });
        const batch = Array.from({ length: 100 }, (_, i) => artifact(i));
        await sink.write('i', batch);
        // Everything was consumed by the time write resolved, not just queued.
        const lines = stream.chunks.join('').split('\n');
        expect(lines.pop()).to.equal('');
        expect(lines.map(line => JSON.parse(line))).to.deep.equal(batch);
        // The writer waited for drain instead of queuing the whole batch (~25 KB) in memory.
        expect(stream.maxBuffered).to.be.at.most(2048);
        await sink.close();
        expect(stream.writableEnded).to.equal(true);
    });

    it('keeps batches written at the same time apart', async () => {
        const stream = new SlowWritable();
        const sink = new StdoutSink({ stream, chunkSize: 100 });
        await Promise.all([sink.write('a', [artifact(1), artifact(2)]), sink.write('b', [artifact(3)])]);
        const ids = stream.chunks
            .join('')
            .trim()
            .split('\n')
            .map(line => (JSON.parse(line) as Artifact).id);
        expect(ids).to.deep.equal(['a-1', 'a-2', 'a-3']);
    });

    it('rejects when the stream fails, and keeps rejecting', async () => {
        const stream = new Writable({
            highWaterMark: 64,
            write(_chunk, _encoding, callback) {
                callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
            }
        });
        const sink = new StdoutSink({ stream });
        let error: unknown;
        await sink.write('i', [artifact(1)]).catch(caught => (error = caught));
        expect(error).to.be.instanceOf(SinkError);
        expect((error as Error).message)
            .to.contain('EPIPE')
            .and.contain('still running');
        error = undefined;
        await sink.write('i', [artifact(2)]).catch(caught => (error = caught));
        expect(error).to.be.instanceOf(SinkError);
    });
});
