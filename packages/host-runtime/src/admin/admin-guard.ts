import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@signal-connectors/connector-sdk';
import type { AdminConfig } from '../config/runtime-config.js';
import { AdminActionError } from '../service/instance-admin.js';
import { errorBody } from './api/api-routes.js';
import { AdminAccess } from './auth/admin-access.js';
import { SESSION_COOKIE_NAME } from './auth/login-routes.js';
import { csrfToken } from './console/csrf-token.js';
import { html } from './console/html.js';
import { layout } from './console/layout.js';

/** Methods that change nothing: no Origin check and no CSRF token needed. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Paths anyone who reaches the listener may use: the probes and the login page. */
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/login']);

/**
 * The `onRequest` check every request passes before its route runs: the `Host` must name this listener (DNS
 * rebinding), a state change must not come from a foreign `Origin`, and everything but the probes, the login page
 * and the static assets needs the admin token (Bearer) or a login session. A browser without a session is sent to
 * the login page; anything else gets 401.
 */
export function admissionCheck(access: AdminAccess, settings: Pick<AdminConfig, 'publicMetrics'>) {
    return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
        const host = request.headers.host;
        if (!access.acceptsHost(host)) {
            return refuse(
                request,
                reply,
                403,
                `this admin listener does not answer to the host name '${host ?? ''}'; add it to admin.allowedHosts if it is meant to`
            );
        }
        if (!SAFE_METHODS.has(request.method)) {
            const origin = request.headers.origin;
            const site = request.headers['sec-fetch-site'];
            if ((origin !== undefined && !AdminAccess.sameOrigin(origin, host)) || site === 'cross-site') {
                return refuse(request, reply, 403, 'a change requested from another site was refused');
            }
        }
        const path = request.url.split('?')[0];
        if (PUBLIC_PATHS.has(path) || path.startsWith('/assets/')) return undefined;
        if (path === '/metrics' && settings.publicMetrics) return undefined;
        const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
        if (bearer !== undefined) {
            if (!access.checkToken(bearer)) return refuse(request, reply, 401, 'the bearer token is not the admin token');
            request.actor = 'api token';
            return undefined;
        }
        const session = request.cookies[SESSION_COOKIE_NAME];
        if (access.checkSession(session)) {
            request.actor = AdminAccess.sessionLabel(session!);
            request.sessionAuth = true;
            return undefined;
        }
        if (request.method === 'GET' && !path.startsWith('/api/') && path !== '/metrics') {
            return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
        }
        void reply.header('WWW-Authenticate', 'Bearer realm="signal-client"');
        return refuse(request, reply, 401, 'authentication required: send Authorization: Bearer <admin token>');
    };
}

/** The error handler: a refused action keeps its status and words; anything unexpected is logged and is a 500. */
export function failureHandler(logger: Logger) {
    return (error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply): unknown => {
        if (error instanceof AdminActionError) return refuse(request, reply, error.status, error.message);
        const status = error.statusCode ?? 500;
        if (status >= 500) {
            logger.error(`Admin API error on ${request.method} ${request.url.split('?')[0]}: ${error.message}`);
            return refuse(request, reply, 500, 'internal error; see the log');
        }
        return refuse(request, reply, status, error.message);
    };
}

/** A refusal: JSON for the API and non-browser clients, a page for the console. */
export function refuse(request: FastifyRequest, reply: FastifyReply, status: number, message: string): unknown {
    const path = request.url.split('?')[0];
    const wantsPage = !path.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
    if (!wantsPage) return reply.code(status).header('Cache-Control', 'no-store').send(errorBody(status, message));
    const body = layout(
        {
            title: 'Not done',
            section: request.sessionAuth ? 'integrations' : 'login',
            notice: { kind: 'error', text: message },
            ...(request.sessionAuth ? { csrf: csrfToken(reply) } : {})
        },
        html`<p><a href="/integrations">Back to Integrations</a></p>`
    );
    return reply.code(status).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(body);
}
