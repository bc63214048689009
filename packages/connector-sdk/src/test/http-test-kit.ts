import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import type { Clock } from '../clock.js';

/** A clock whose waits return at once (or, with `hang`, only when aborted), recording every delay asked for. */
export class FakeClock implements Clock {
    readonly sleeps: number[] = [];
    time = Date.parse('2026-01-01T00:00:00Z');

    constructor(private readonly hang = false) {}

    now(): number {
        return this.time;
    }

    sleep(ms: number, signal?: AbortSignal): Promise<void> {
        this.sleeps.push(ms);
        if (signal?.aborted) {
            return Promise.reject(signal.reason);
        }
        if (this.hang) {
            return new Promise((_resolve, reject) =>
                signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
            );
        }
        this.time += ms;
        return Promise.resolve();
    }
}

/** Runs the enclosing suite with nock intercepting and no real connections; leaves nock as it found it. */
export function useNock(): void {
    let wasActive = false;
    before(() => {
        wasActive = nock.isActive();
        if (!wasActive) {
            nock.activate();
        }
        nock.disableNetConnect();
    });
    afterEach(() => nock.cleanAll());
    after(() => {
        nock.enableNetConnect();
        if (!wasActive) {
            nock.restore();
        }
    });
}

/** Runs the enclosing suite with nock's interception off, for real local servers; restores it after. */
export function withoutNock(): void {
    let wasActive = false;
    before(() => {
        wasActive = nock.isActive();
        if (wasActive) {
            nock.restore();
        }
    });
    after(() => {
        if (wasActive && !nock.isActive()) {
            nock.activate();
        }
    });
}

// Variables that proxy-from-env reads: cleared around each test so the machine's settings do not leak in.
const PROXY_ENV = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap(name => [
    name,
    name.toLowerCase(),
    `npm_config_${name.toLowerCase()}`
]);

/** Clears the proxy environment for each test of the enclosing suite and restores it afterwards. */
export function isolateProxyEnvironment(): void {
    const saved: Record<string, string | undefined> = {};
    beforeEach(() => {
        for (const name of [...PROXY_ENV, 'npm_config_proxy']) {
            saved[name] = process.env[name];
            delete process.env[name];
        }
    });
    afterEach(() => {
        for (const [name, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[name];
            else process.env[name] = value;
        }
    });
}

/** A server on a free loopback port. */
export interface TestServer {
    url: string;
    port: number;
    close(): Promise<void>;
}

/** Starts `server` on 127.0.0.1 and returns its URL; `close()` also drops open (e.g. stalled) connections. */
export async function listen(
    server: http.Server | https.Server,
    protocol: 'http' | 'https' = 'http'
): Promise<TestServer> {
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const sockets = new Set<net.Socket>();
    server.on('connection', (socket: net.Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
    });
    return {
        url: `${protocol}://127.0.0.1:${port}`,
        port,
        close: () =>
            new Promise<void>(resolve => {
                sockets.forEach(socket => socket.destroy());
                server.close(() => resolve());
            })
    };
}

/** What a {@link startProxy} proxy saw of one CONNECT request. */
export interface ProxiedConnect {
    target: string;
    proxyAuthorization?: string;
}

/** A minimal forward proxy (CONNECT tunnels) that records each request, optionally demanding credentials. */
export async function startProxy(requiredAuthorization?: string): Promise<TestServer & { connects: ProxiedConnect[] }> {
    const connects: ProxiedConnect[] = [];
    const server = http.createServer((_request, response) => {
        response.statusCode = 405;
        response.end();
    });
    server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
        const proxyAuthorization = request.headers['proxy-authorization'];
        connects.push({ target: request.url ?? '', proxyAuthorization });
        if (requiredAuthorization !== undefined && proxyAuthorization !== requiredAuthorization) {
            client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
            return;
        }
        const [host, port] = (request.url ?? '').split(':');
        const upstream = net.connect(Number(port), host, () => {
            client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
            upstream.write(head);
            upstream.pipe(client);
            client.pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
    });
    return { ...(await listen(server)), connects };
}

/** A self-signed certificate for `localhost` and 127.0.0.1, made with openssl in a temporary folder. */
export interface TestCertificate {
    key: string;
    cert: string;
    certFile: string;
    remove(): void;
}

/** Makes a {@link TestCertificate}; a P-256 key keeps it fast. */
export function makeSelfSignedCertificate(): TestCertificate {
    const dir = mkdtempSync(join(tmpdir(), 'sdk-tls-'));
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync(
        'openssl',
        [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:prime256v1',
            '-nodes',
            '-keyout',
            keyFile,
            '-out',
            certFile
        ].concat(['-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']),
        { stdio: 'ignore' }
    );
    return {
        key: readFileSync(keyFile, 'utf8'),
        cert: readFileSync(certFile, 'utf8'),
        certFile,
        remove: () => rmSync(dir, { recursive: true, force: true })
    };
}
