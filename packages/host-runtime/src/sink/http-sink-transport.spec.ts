import { expect } from 'chai';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Artifact } from '@signal-connectors/connector-sdk';
import { HttpSink } from './http-sink.js';
import { SinkError } from './sink-error.js';

const TOKEN = 'Bearer s3cr3t-receiver-token';
const API_KEY = 'x-api-key-9f3c1e';

const ARTIFACT: Artifact = {
    id: 'a-1',
    type: 'test',
    time: '2025-01-01T00:00:00.000Z',
    source: { connector: 'c', instance: 'i' },
    data: { finding: 'CVE-2024-0001 on host 7' }
};

/** A loopback receiver that records every request and answers by path. */
class Receiver {
    readonly requests: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
    private server!: Server;
    url = '';

    constructor(private readonly routes: Record<string, (origin: string) => [number, Record<string, string>]>) {}

    async start(): Promise<this> {
        this.server = createServer((request, response) => {
            const chunks: Buffer[] = [];
            request.on('data', chunk => chunks.push(chunk as Buffer));
            request.on('end', () => {
                const path = request.url ?? '/';
                this.requests.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
                const [status, headers] = this.routes[path]?.(this.url) ?? [200, {}];
                response.writeHead(status, headers).end();
            });
        });
        await new Promise<void>(done => this.server.listen(0, '127.0.0.1', done));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    async stop(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise(done => this.server.close(done));
    }
}

async function rejection(promise: Promise<unknown>): Promise<SinkError> {
    try {
        await promise;
    } catch (error) {
        expect(error).to.be.instanceOf(SinkError);
        return error as SinkError;
    }
    return expect.fail('expected the write to fail');
}

describe('HttpSink transport: redirects and plain http', () => {
    let elsewhere: Receiver;
    let receiver: Receiver;

    beforeEach(async () => {
        elsewhere = await new Receiver({}).start();
        receiver = await new Receiver({
            '/moved': () => [301, { Location: `${elsewhere.url}/collect` }],
            '/temporary-elsewhere': () => [307, { Location: `${elsewhere.url}/collect` }],
            '/temporary': () => [307, { Location: '/ingest' }],
            '/see-other': () => [303, { Location: '/ingest' }],
            '/loop': () => [308, { Location: '/loop' }]
        }).start();
    });
    afterEach(async () => {
        await receiver.stop();
        await elsewhere.stop();
    });

    const sink = (path: string): HttpSink =>
        new HttpSink({ url: `${receiver.url}${path}`, headers: { Authorization: TOKEN, 'X-Api-Key': API_KEY } });

    it('follows a 307 on the configured origin, resending the POST with its body and headers', async () => {
        await sink('/temporary').write('qualys-prod', [ARTIFACT]);
        expect(receiver.requests.map(request => request.path)).to.deep.equal(['/temporary', '/ingest']);
        const [, followed] = receiver.requests;
        expect(JSON.parse(followed.body)).to.deep.equal([ARTIFACT]);
        expect(followed.headers).to.include({ authorization: TOKEN, 'x-api-key': API_KEY });
    });

    it('never follows a redirect to another origin: nothing of the data or the headers leaves', async () => {
        for (const path of ['/moved', '/temporary-elsewhere']) {
            const error = await rejection(sink(path).write('qualys-prod', [ARTIFACT]));
            expect(error.message).to.contain(`redirecting to ${elsewhere.url}/collect`);
            expect(error.message).to.contain('set sink.url to the receiver that should get them');
            expect(error.message).to.not.contain(TOKEN).and.not.contain(API_KEY);
        }
        expect(elsewhere.requests).to.deep.equal([]);
        // Not retried: the same request would be redirected again.
        expect(receiver.requests.map(request => request.path)).to.deep.equal(['/moved', '/temporary-elsewhere']);
    });

    it('refuses a redirect that changes the method, and a redirect loop, saying what to configure', async () => {
        const seeOther = await rejection(sink('/see-other').write('qualys-prod', [ARTIFACT]));
        expect(seeOther.message).to.contain(`with another method; set sink.url to ${receiver.url}/ingest`);
        const loop = await rejection(sink('/loop').write('qualys-prod', [ARTIFACT]));
        expect(loop.message).to.contain('more than 5 redirects');
        expect(receiver.requests.filter(request => request.path === '/ingest')).to.deep.equal([]);
    });

    it('refuses plain http:// off loopback unless allowInsecureHttp says so', () => {
        expect(() => new HttpSink({ url: 'http://collector.example.com/ingest' })).to.throw(
            SinkError,
            'sink.url uses plain http:// to collector.example.com, which would send every artifact and sink.headers unencrypted'
        );
        expect(
            () => new HttpSink({ url: 'http://collector.example.com/ingest', allowInsecureHttp: true })
        ).to.not.throw();
        for (const url of [
            'http://localhost:9/x',
            'http://127.0.0.2:9/x',
            'http://[::1]:9/x',
            'https://collector.example.com/x'
        ]) {
            expect(() => new HttpSink({ url }), url).to.not.throw();
        }
    });
});
