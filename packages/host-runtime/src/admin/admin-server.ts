import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { AdminActionError } from '../service/instance-admin.js';
import type { AdminServerOptions } from './admin-context.js';
import { registerApiRoutes, errorBody } from './api/api-routes.js';
import { AdminAccess } from './auth/admin-access.js';
import { registerLoginRoutes, SESSION_COOKIE_PREFIX } from './auth/login-routes.js';
import { registerConsoleRoutes } from './console/console-routes.js';
import { html } from './console/html.js';
import { csrfToken } from './console/csrf-token.js';
import { layout } from './console/layout.js';
import { formatUrl, isLoopback, parseListenAddress } from './listen-address.js';
import { TriggerLimit } from './trigger-limit.js';

export type { AdminServerOptions } from './admin-context.js';

declare module 'fastify' {
    interface FastifyRequest {
        /** Who is asking, for audit lines: `api token` or `console session <id hash>`. */
        actor: string;
        /** Authenticated by the session cookie (a browser): state changes then need the CSRF token. */
        sessionAuth: boolean;
    }
}

/** The console's CSS and script, served from the package (no CDN, no build step at run time). */
export const CONSOLE_ASSETS_DIR = fileURLToPath(new URL('../../assets/console/', import.meta.url));

/** The address the server is bound to. */
export interface AdminAddress {
    host: string;
    port: number;
    url: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/login']);

/**
 * The admin listener (Fastify): probes, Prometheus metrics, the JSON API and the console pages. Everything but
 * `/healthz`, `/readyz`, the login page and the static assets needs the admin token, as a bearer token or through
 * a login session (HttpOnly, SameSite=Strict cookie). A `Host` that is not this listener is refused (DNS
 * rebinding), so is a state change from a foreign `Origin`; a browser's state change also needs its CSRF token.
 * Responses carry strict security headers (CSP without inline script, no framing).
 */
export class AdminServer {
    private app?: FastifyInstance;
    private ready = false;
    private bound?: AdminAddress;
    private access?: AdminAccess;

    constructor(private readonly options: AdminServerOptions) {}

    /** Starts listening; resolves with the bound address (the real port when 0 was asked for). */
    async start(): Promise<AdminAddress> {
        const { host, port } = parseListenAddress(this.options.listen);
        this.access = new AdminAccess(this.options.token, { listenHost: host, allowedHosts: this.options.settings.allowedHosts });
        const app = await this.build(this.access);
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
        if (this.bound === undefined || this.access === undefined) throw new Error('the admin server is not started');
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

    private async build(access: AdminAccess): Promise<FastifyInstance> {
        const { options } = this;
        const app = Fastify({ logger: false, bodyLimit: 256 * 1024, return503OnClosing: true });
        app.decorateRequest('actor', '');
        app.decorateRequest('sessionAuth', false);
        await app.register(fastifyCookie);
        await app.register(fastifyFormbody);
        await app.register(fastifyCsrf, {
            sessionPlugin: '@fastify/cookie',
            cookieKey: `${SESSION_COOKIE_PREFIX}csrf`,
            cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict' }
        });
        await app.register(fastifyHelmet, {
            contentSecurityPolicy: {
                useDefaults: false,
                directives: {
                    defaultSrc: ["'self'"],
                    scriptSrc: ["'self'"],
                    styleSrc: ["'self'"],
                    imgSrc: ["'self'", 'data:'],
                    connectSrc: ["'self'"],
                    formAction: ["'self'"],
                    frameAncestors: ["'none'"],
                    baseUri: ["'none'"],
                    objectSrc: ["'none'"]
                }
            },
            // Plain HTTP on loopback: HSTS would pin every other local service of this host to HTTPS.
            strictTransportSecurity: false,
            // same-origin, not no-referrer: with no-referrer Chromium sends 'Origin: null' on form posts.
            referrerPolicy: { policy: 'same-origin' }
        });
        await app.register(fastifyRateLimit, { global: false });
        await app.register(fastifyStatic, { root: CONSOLE_ASSETS_DIR, prefix: '/assets/', decorateReply: false, index: false });

        app.addHook('onRequest', async (request, reply) => this.guard(access, request, reply));
        app.addHook('preHandler', (request, reply, done) => {
            if (request.sessionAuth && !SAFE_METHODS.has(request.method)) app.csrfProtection(request, reply, done);
            else done();
        });
        app.setErrorHandler((error, request, reply) => this.fail(error as Error & { statusCode?: number }, request, reply));
        app.setNotFoundHandler((request, reply) =>
            this.refuse(request, reply, 404, `no route ${request.method} ${request.url.split('?')[0]}`)
        );

        app.get('/healthz', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok\n'));
        app.get('/readyz', async (_request, reply) =>
            reply.code(this.ready ? 200 : 503).type('text/plain; charset=utf-8').send(this.ready ? 'ready\n' : 'not ready\n')
        );
        app.get('/metrics', async (_request, reply) =>
            reply.type(options.metrics.contentType).send(await options.metrics.text())
        );
        const limit = new TriggerLimit(app, options.settings.manualTriggers);
        registerLoginRoutes(app, access, options);
        registerApiRoutes(app, options, limit);
        registerConsoleRoutes(app, options, limit);
        await app.ready();
        return app;
    }

    /** Host, Origin and authentication, before anything else runs. */
    private async guard(access: AdminAccess, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
        const host = request.headers.host;
        if (!access.acceptsHost(host)) {
            return this.refuse(request, reply, 403, `this admin listener does not answer to the host name '${host ?? ''}'; add it to admin.allowedHosts if it is meant to`);
        }
        if (!SAFE_METHODS.has(request.method)) {
            const origin = request.headers.origin;
            const site = request.headers['sec-fetch-site'];
            if ((origin !== undefined && !AdminAccess.sameOrigin(origin, host)) || site === 'cross-site') {
                return this.refuse(request, reply, 403, 'a change requested from another site was refused');
            }
        }
        const path = request.url.split('?')[0];
        if (PUBLIC_PATHS.has(path) || path.startsWith('/assets/')) return undefined;
        if (path === '/metrics' && this.options.settings.publicMetrics) return undefined;
        const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
        if (bearer !== undefined) {
            if (!access.checkToken(bearer)) return this.refuse(request, reply, 401, 'the bearer token is not the admin token');
            request.actor = 'api token';
            return undefined;
        }
        const session = request.cookies[`${SESSION_COOKIE_PREFIX}session`];
        if (access.checkSession(session)) {
            request.actor = AdminAccess.sessionLabel(session!);
            request.sessionAuth = true;
            return undefined;
        }
        if (request.method === 'GET' && !path.startsWith('/api/') && path !== '/metrics') {
            return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
        }
        void reply.header('WWW-Authenticate', 'Bearer realm="signal-client"');
        return this.refuse(request, reply, 401, 'authentication required: send Authorization: Bearer <admin token>');
    }

    private fail(error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply): unknown {
        if (error instanceof AdminActionError) return this.refuse(request, reply, error.status, error.message);
        const status = error.statusCode ?? 500;
        if (status >= 500) {
            this.options.logger.error(`Admin API error on ${request.method} ${request.url.split('?')[0]}: ${error.message}`);
            return this.refuse(request, reply, 500, 'internal error; see the log');
        }
        return this.refuse(request, reply, status, error.message);
    }

    /** A refusal: JSON for the API and non-browser clients, a page for the console. */
    private refuse(request: FastifyRequest, reply: FastifyReply, status: number, message: string): unknown {
        const path = request.url.split('?')[0];
        const wantsPage = !path.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
        if (!wantsPage) return reply.code(status).header('Cache-Control', 'no-store').send(errorBody(status, message));
        const body = layout(
            { title: 'Not done', section: request.sessionAuth ? 'integrations' : 'login', notice: { kind: 'error', text: message }, csrf: request.sessionAuth ? csrfToken(reply) : undefined },
            html`<p><a href="/integrations">Back to Integrations</a></p>`
        );
        return reply.code(status).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(body);
    }
}
