import { expect } from 'chai';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Artifact, Clock, Logger, LogMeta } from '@signal-connectors/connector-sdk';
import { HttpSink, type HttpSinkOptions } from './http-sink.js';
import { SinkError } from './sink-error.js';

interface Received {
    headers: IncomingHttpHeaders;
    body: unknown;
}

function artifact(id: number): Artifact {
    return {
        id: `a-${id}`,
        type: 'test',
        time: '2025-01-01T00:00:00.000Z',
        source: { connector: 'c', instance: 'i' },
        data: { id }
    };
}

/** A clock whose waits return at once and are remembered. */
function instantClock(waits: number[]): Clock {
    return {
        now: () => Date.now(),
        sleep: async (ms: number) => {
            waits.push(ms);
        }
    };
}

const TOKEN = 'Bearer s3cr3t-receiver-token';

describe('HttpSink', () => {
    let server: Server;
    let url: string;
    let received: Received[];
    /** Status (and headers) of each response, in order; the last one repeats. */
    let script: { status: number; headers?: Record<string, string> }[];
    let waits: number[];
    let logged: string[];

    const sink = (options: Partial<HttpSinkOptions> = {}): HttpSink => {
        const log = (_message: string, meta?: LogMeta): void => void logged.push(JSON.stringify(meta));
        const logger: Logger = { error: log, warn: log, info: log, debug: log, child: () => logger };
        return new HttpSink({ url, headers: { Authorization: TOKEN }, clock: instantClock(waits), logger, ...options });
    };

    beforeEach(async () => {
        received = [];
        waits = [];
        logged = [];
        script = [{ status: 200 }];
        server = createServer((request, response) => {
            const chunks: Buffer[] = [];
            request.on('data', chunk => chunks.push(chunk as Buffer));
            request.on('end', () => {
                received.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
                const { status, headers } = script.length > 1 ? script.shift()! : script[0];
                response.writeHead(status, headers).end(status >= 400 ? `failure echoing ${TOKEN}` : '');
            });
        });
        await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest?key=query-secret`;
    });
    afterEach(async () => {
        server.closeAllConnections();
        await new Promise(done => server.close(done));
    });

    it('POSTs JSON arrays of batchSize artifacts with the configured headers; 2xx acknowledges', async () => {
        await sink({ batchSize: 2 }).write('qualys-prod', [1, 2, 3, 4, 5].map(artifact));
        expect(received.map(r => r.body)).to.deep.equal([
            [artifact(1), artifact(2)],
            [artifact(3), artifact(4)],
            [artifact(5)]
        ]);
        expect(received[0].headers).to.include({
            authorization: TOKEN,
            'content-type': 'application/json',
            'x-signal-instance': 'qualys-prod'
        });
        expect(waits).to.deep.equal([]);
    });

    it('retries a 503 and honours Retry-After', async () => {
        script = [{ status: 503, headers: { 'retry-after': '7' } }, { status: 200 }];
        await sink().write('i', [artifact(1)]);
        expect(received).to.have.length(2);
        expect(waits).to.have.length(1);
        expect(waits[0]).to.be.at.least(7000);
        expect(logged.join('\n')).to.not.contain('s3cr3t').and.not.contain('query-secret');
    });

    it('rejects after a bounded number of attempts on a persistent 500, backing off exponentially', async () => {
        script = [{ status: 500 }];
        const error = await sink({ random: () => 0.5 })
            .write('i', [artifact(1)])
            .then(
                () => expect.fail('expected a rejection'),
                (caught: Error) => caught
            );
        expect(received).to.have.length(5);
        expect(waits).to.deep.equal([500, 1000, 2000, 4000]);
        expect(error).to.be.instanceOf(SinkError);
        expect(error.message).to.contain('after 5 attempts').and.contain('500').and.contain('/ingest');
        expect(error.message).to.not.contain('s3cr3t').and.not.contain('query-secret');
    });

    it('does not retry a request the receiver rejects as such', async () => {
        script = [{ status: 401 }];
        const error = await sink()
            .write('i', [artifact(1)])
            .catch((caught: Error) => caught);
        expect(received).to.have.length(1);
        expect((error as Error).message)
            .to.contain('401')
            .and.contain('check sink.headers');
    });

    it('retries network errors, then rejects saying the receiver is unreachable', async () => {
        server.closeAllConnections();
        await new Promise(done => server.close(done));
        const error = await sink({ maxAttempts: 3 })
            .write('i', [artifact(1)])
            .catch((caught: Error) => caught);
        expect(waits).to.have.length(2);
        expect((error as Error).message)
            .to.contain('after 3 attempts')
            .and.contain('reachable');
        server = createServer();
        server.listen(0, '127.0.0.1');
    });

    it('refuses credentials in the URL and other schemes', () => {
        expect(() => new HttpSink({ url: 'https://user:pass@example.com/' })).to.throw(/sink.headers/);
        expect(() => new HttpSink({ url: 'ftp://example.com/' })).to.throw(/http/);
    });

    it('stops waiting and rejects when closed', async () => {
        script = [{ status: 503 }];
        let wake: () => void = () => undefined;
        const clock: Clock = {
            now: () => Date.now(),
            sleep: (_ms, signal) =>
                new Promise((_resolve, reject) => {
                    wake();
                    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
                })
        };
        const closable = sink({ clock });
        const waiting = new Promise<void>(resolve => (wake = resolve));
        const writing = closable.write('i', [artifact(1)]).catch((caught: Error) => caught);
        await waiting;
        await closable.close();
        expect(((await writing) as Error).message).to.contain('closed');
    });
});
