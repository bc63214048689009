import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AdminContext } from './admin-context.js';
import { admissionCheck, failureHandler, refuse, SAFE_METHODS } from './admin-guard.js';
import { registerApiRoutes } from './api/api-routes.js';
import type { AdminAccess } from './auth/admin-access.js';
import { registerLoginRoutes, SESSION_COOKIE_PREFIX } from './auth/login-routes.js';
import { registerConsoleRoutes } from './console/console-routes.js';
import { TriggerLimit } from './trigger-limit.js';

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

/** What {@link buildAdminApp} needs besides the service's parts. */
export interface AdminAppOptions extends AdminContext {
    /** Who may come in (token, sessions, login codes, host names). */
    access: AdminAccess;
    /** Whether `/readyz` answers 200. */
    isReady: () => boolean;
}

/**
 * The admin listener's Fastify application, ready but not listening (tests call `inject` on it): probes,
 * Prometheus metrics, the JSON API and the console pages behind {@link admissionCheck}, a browser's state changes
 * behind their CSRF token, and strict security headers (CSP without inline script, no framing).
 */
export async function buildAdminApp(options: AdminAppOptions): Promise<FastifyInstance> {
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
        // Older browsers that ignore frame-ancestors: no framing either.
        frameguard: { action: 'deny' },
        // Plain HTTP on loopback: HSTS would pin every other local service of this host to HTTPS.
        strictTransportSecurity: false,
        // same-origin, not no-referrer: with no-referrer Chromium sends 'Origin: null' on form posts.
        referrerPolicy: { policy: 'same-origin' }
    });
    await app.register(fastifyRateLimit, { global: false });
    await app.register(fastifyStatic, { root: CONSOLE_ASSETS_DIR, prefix: '/assets/', decorateReply: false, index: false });

    app.addHook('onRequest', admissionCheck(options.access, options.settings));
    app.addHook('preHandler', (request, reply, done) => {
        if (request.sessionAuth && !SAFE_METHODS.has(request.method)) app.csrfProtection(request, reply, done);
        else done();
    });
    app.setErrorHandler(failureHandler(options.logger));
    app.setNotFoundHandler((request, reply) => refuse(request, reply, 404, `no route ${request.method} ${request.url.split('?')[0]}`));

    app.get('/healthz', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok\n'));
    app.get('/readyz', async (_request, reply) => {
        const ready = options.isReady();
        return reply.code(ready ? 200 : 503).type('text/plain; charset=utf-8').send(ready ? 'ready\n' : 'not ready\n');
    });
    app.get('/metrics', async (_request, reply) => reply.type(options.metrics.contentType).send(await options.metrics.text()));
    const limit = new TriggerLimit(app, options.settings.manualTriggers);
    registerLoginRoutes(app, options.access, options);
    registerApiRoutes(app, options, limit);
    registerConsoleRoutes(app, options, limit);
    await app.ready();
    return app;
}
