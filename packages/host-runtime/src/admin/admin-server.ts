import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildAdminApp } from './admin-app.js';
import type { AdminServerOptions } from './admin-context.js';
import { AdminAccess } from './auth/admin-access.js';
import { formatUrl, isLoopback, parseListenAddress } from './listen-address.js';

export type { AdminServerOptions } from './admin-context.js';
export { CONSOLE_ASSETS_DIR } from './admin-app.js';

/** The address the server is bound to. */
export interface AdminAddress {
    host: string;
    port: number;
    url: string;
}

/**
 * The admin listener: the application of {@link buildAdminApp} bound to `admin.listen`. Everything but `/healthz`,
 * `/readyz`, the login page and the static assets needs the admin token, as a bearer token or through a login
 * session (HttpOnly, SameSite=Strict cookie).
 */
export class AdminServer {
    private readonly access: AdminAccess;
    private readonly listenAt: { host: string; port: number };
    private app?: FastifyInstance;
    private ready = false;
    private bound?: AdminAddress;

    constructor(private readonly options: AdminServerOptions) {
        this.listenAt = parseListenAddress(options.listen);
        this.access = new AdminAccess(options.token, {
            listenHost: this.listenAt.host,
            allowedHosts: options.settings.allowedHosts
        });
    }

    /** Starts listening; resolves with the bound address (the real port when 0 was asked for). */
    async start(): Promise<AdminAddress> {
        const { host, port } = this.listenAt;
        const app = await buildAdminApp({ ...this.options, access: this.access, isReady: () => this.ready });
        try {
            await app.listen({ host, port });
        } catch (error) {
            await app.close();
            throw error;
        }
        this.app = app;
        const address = app.server.address() as AddressInfo;
        this.bound = { host: address.address, port: address.port, url: formatUrl(address.address, address.port) };
        if (!isLoopback(address.address)) {
            this.options.logger.warn(
                `The admin listener on ${this.bound.url} is reachable from other machines; it needs the token, but ` +
                    'it speaks plain HTTP: prefer 127.0.0.1 behind a TLS proxy'
            );
        }
        this.options.logger.info(`Admin API listening on ${this.bound.url}`, { url: this.bound.url });
        return this.bound;
    }

    /** The bound address once started. */
    get address(): AdminAddress | undefined {
        return this.bound;
    }

    /** A one-time login link for a browser (printed at start). */
    loginUrl(): string {
        if (this.bound === undefined) throw new Error('the admin server is not started');
        const host = this.bound.host === '0.0.0.0' || this.bound.host === '::' ? 'localhost' : this.bound.host;
        return `${formatUrl(host, this.bound.port)}/login?code=${this.access.issueLoginCode()}`;
    }

    /** `/readyz` answers 200 once set (plugins loaded, scheduler started) and 503 again while stopping. */
    setReady(ready: boolean): void {
        this.ready = ready;
    }

    /** Stops accepting connections and closes the open ones. */
    async close(): Promise<void> {
        this.ready = false;
        const app = this.app;
        this.app = undefined;
        if (app === undefined) return;
        app.server.closeAllConnections();
        await app.close();
    }
}
