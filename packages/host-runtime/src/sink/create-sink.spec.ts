import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import type { Logger } from '@signal-connectors/connector-sdk';
import { createSink } from './create-sink.js';
import { HttpSink } from './http-sink.js';
import { JsonlSink } from './jsonl-sink.js';
import { StdoutSink } from './stdout-sink.js';

const silent: Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => silent };

describe('createSink', () => {
    it('builds the sink the config names, resolving a relative JSONL path against the data directory', async () => {
        const jsonl = createSink({ type: 'jsonl', path: 'out' }, { dataDir: '/var/lib/sc', logger: silent });
        expect(jsonl).to.be.instanceOf(JsonlSink);
        expect((jsonl as JsonlSink).root).to.equal('/var/lib/sc/out');
        const absolute = createSink(
            { type: 'jsonl', path: '/srv/artifacts' },
            { dataDir: '/var/lib/sc', logger: silent }
        );
        expect((absolute as JsonlSink).root).to.equal('/srv/artifacts');

        const stdout = createSink({ type: 'stdout' }, { dataDir: '/x', logger: silent, stdout: new PassThrough() });
        expect(stdout).to.be.instanceOf(StdoutSink);
        const http = createSink(
            { type: 'http', url: 'https://collector.example.com/in' },
            { dataDir: '/x', logger: silent }
        );
        expect(http).to.be.instanceOf(HttpSink);
        await Promise.all([jsonl.close(), absolute.close(), stdout.close(), http.close()]);
    });
});
