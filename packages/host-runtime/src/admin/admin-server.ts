import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@signal-connectors/connector-sdk';
import type { ConnectorHost } from '../composition/connector-host.js';
import type { CatalogEntry } from '../discovery/catalog.js';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { StateStore } from '../state/state-store.js';
import { formatUrl, isLoopback, parseListenAddress } from './listen-address.js';
import { describeInstance } from './instance-view.js';

/** What the admin API serves. */
export interface AdminServerOptions {
    /** `host:port` (RuntimeConfig.admin.listen); port 0 picks a free one. */
    listen: string;
    logger: Logger;
    host: Pick<ConnectorHost, 'instances' | 'instance' | 'testConnection' | 'redactValue'>;
    scheduler: Pick<Scheduler, 'isBusy' | 'trigger' | 'status' | 'running'>;
    state: Pick<StateStore, 'getStatus'>;
    metrics: Pick<RuntimeMetrics, 'text' | 'contentType'>;
    /** The catalog served at `/api/catalog`. */
    catalog: () => CatalogEntry[];
    newRunId?: () => string;
}

/** The address the server is bound to. */
export interface AdminAddress {
    host: string;
    port: number;
    url: string;
}

type Handler = (request: IncomingMessage, response: ServerResponse, params: string[]) => Promise<void> | void;
interface Route {
    pattern: RegExp;
    methods: Record<string, Handler>;
}

/**
 * The admin HTTP API (node:http, loopback by default): health and readiness probes, Prometheus metrics, the
 * catalog, instance status, connection tests and manual polls. Every body is JSON (except `/healthz` and
 * `/metrics`); unknown routes get 404 and wrong methods 405, as JSON. Responses never carry secrets: instance
 * settings are never shown and connection reports are scrubbed.
 */
export class AdminServer {
    private readonly server: Server;
    private readonly routes: Route[];
    private ready = false;
    private bound?: AdminAddress;

    constructor(private readonly options: AdminServerOptions) {
        this.server = createServer((request, response) => void this.handle(request, response));
        this.routes = [
            { pattern: /^\/healthz$/, methods: { GET: (_, response) => sendText(response, 200, 'ok\n') } },
            {
                pattern: /^\/readyz$/,
                methods: {
                    GET: (_, response) =>
                        sendText(response, this.ready ? 200 : 503, this.ready ? 'ready\n' : 'not ready\n')
                }
            },
            { pattern: /^\/metrics$/, methods: { GET: (_, response) => this.metrics(response) } },
            {
                pattern: /^\/api\/catalog$/,
                methods: { GET: (_, response) => sendJson(response, 200, this.options.catalog()) }
            },
            {
                pattern: /^\/api\/instances$/,
                methods: { GET: (_, response) => sendJson(response, 200, this.instances()) }
            },
            {
                pattern: /^\/api\/instances\/([^/]+)$/,
                methods: { GET: (_, response, [id]) => this.instance(response, id) }
            },
            {
                pattern: /^\/api\/instances\/([^/]+)\/test$/,
                methods: { POST: (_, response, [id]) => this.test(response, id) }
            },
            {
                pattern: /^\/api\/instances\/([^/]+)\/poll$/,
                methods: { POST: (_, response, [id]) => this.poll(response, id) }
            }
        ];
    }

    /** Starts listening; resolves with the bound address (the real port when 0 was asked for). */
    async start(): Promise<AdminAddress> {
        const { host, port } = parseListenAddress(this.options.listen);
        await new Promise<void>((resolve, reject) => {
            this.server.once('error', reject);
            this.server.listen(port, host, () => {
                this.server.off('error', reject);
                resolve();
            });
        });
        const address = this.server.address() as AddressInfo;
        this.bound = { host: address.address, port: address.port, url: formatUrl(address.address, address.port) };
        if (!isLoopback(address.address)) {
            this.options.logger.warn(
                `The admin API listens on ${this.bound.url}, reachable from other machines, without authentication; prefer 127.0.0.1`
            );
        }
        this.options.logger.info(`Admin API listening on ${this.bound.url}`, { url: this.bound.url });
        return this.bound;
    }

    /** The bound address once started. */
    get address(): AdminAddress | undefined {
        return this.bound;
    }

    /** `/readyz` answers 200 once set (plugins loaded, scheduler started) and 503 again while stopping. */
    setReady(ready: boolean): void {
        this.ready = ready;
    }

    /** Stops accepting connections and closes the open ones. */
    async close(): Promise<void> {
        this.ready = false;
        if (!this.server.listening) return;
        const closed = new Promise<void>(resolve => this.server.close(() => resolve()));
        this.server.closeAllConnections();
        await closed;
    }

    private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
        const path = new URL(request.url ?? '/', 'http://admin').pathname.replace(/\/+$/, '') || '/';
        const method = request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET');
        try {
            for (const route of this.routes) {
                const match = route.pattern.exec(path);
                if (match === null) continue;
                const handler = route.methods[method];
                if (handler === undefined) {
                    const allow = Object.keys(route.methods).join(', ');
                    response.setHeader('Allow', allow);
                    return sendJson(response, 405, {
                        error: { status: 405, message: `${request.method} is not allowed on ${path}; use ${allow}` }
                    });
                }
                let params: string[];
                try {
                    params = match.slice(1).map(decodeURIComponent);
                } catch {
                    return sendJson(response, 400, { error: { status: 400, message: `malformed path ${path}` } });
                }
                return await handler(request, response, params);
            }
            sendJson(response, 404, { error: { status: 404, message: `no route ${path}` } });
        } catch (error) {
            this.options.logger.error(`Admin API error on ${request.method} ${path}: ${(error as Error).message}`);
            if (!response.headersSent)
                sendJson(response, 500, { error: { status: 500, message: 'internal error; see the log' } });
            else response.end();
        }
    }

    private async metrics(response: ServerResponse): Promise<void> {
        const text = await this.options.metrics.text();
        response.writeHead(200, { 'Content-Type': this.options.metrics.contentType });
        response.end(text);
    }

    private instances(): unknown[] {
        const { host, scheduler, state } = this.options;
        return host.instances.map(instance =>
            host.redactValue(describeInstance(instance, scheduler.status(instance.id), state))
        );
    }

    private instance(response: ServerResponse, id: string): void {
        const { host, scheduler, state } = this.options;
        const instance = host.instance(id);
        if (instance === undefined) return unknownInstance(response, id);
        sendJson(response, 200, host.redactValue(describeInstance(instance, scheduler.status(id), state)));
    }

    private async test(response: ServerResponse, id: string): Promise<void> {
        if (this.options.host.instance(id) === undefined) return unknownInstance(response, id);
        const report = await this.options.host.testConnection(id);
        sendJson(response, 200, report);
    }

    private poll(response: ServerResponse, id: string): void {
        const { host, scheduler, logger } = this.options;
        if (host.instance(id) === undefined) return unknownInstance(response, id);
        if (!scheduler.running)
            return sendJson(response, 503, { error: { status: 503, message: 'the scheduler is not running' } });
        if (scheduler.isBusy(id)) {
            return sendJson(response, 409, {
                error: {
                    status: 409,
                    message: `a poll of '${id}' is already running or queued; try again when it ends`
                }
            });
        }
        const runId = (this.options.newRunId ?? randomUUID)();
        scheduler
            .trigger(id, { runId })
            .catch(error => logger.warn(`Manual poll of ${id} could not run: ${(error as Error).message}`));
        sendJson(response, 202, { instanceId: id, runId, status: 'accepted' });
    }
}

function unknownInstance(response: ServerResponse, id: string): void {
    sendJson(response, 404, { error: { status: 404, message: `unknown instance '${id}'` } });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
    const text = `${JSON.stringify(body, null, 2)}\n`;
    response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(text);
}

function sendText(response: ServerResponse, status: number, text: string): void {
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(text);
}
