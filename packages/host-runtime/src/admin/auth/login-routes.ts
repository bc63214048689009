import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminContext } from '../admin-context.js';
import { layout } from '../console/layout.js';
import { loginPage } from '../console/login-page.js';
import { AdminAccess } from './admin-access.js';

/** Prefix of the console's cookies. */
export const SESSION_COOKIE_PREFIX = 'signal_';
/** The cookie holding a browser's login session. */
export const SESSION_COOKIE_NAME = `${SESSION_COOKIE_PREFIX}session`;

type LoginRequest = FastifyRequest<{ Querystring: { code?: string; next?: string }; Body: { token?: string; next?: string } }>;

/**
 * `GET /login` (the form, or `?code=` from the one-time link printed at start), `POST /login` (the token) and
 * `POST /logout`. A successful login sets an HttpOnly, SameSite=Strict session cookie; failed attempts are
 * rate-limited.
 */
export function registerLoginRoutes(app: FastifyInstance, access: AdminAccess, options: AdminContext): void {
    const show = (reply: FastifyReply, next: string, problem?: string, status = 200) =>
        reply
            .code(status)
            .type('text/html; charset=utf-8')
            .header('Cache-Control', 'no-store')
            .send(layout({ title: 'Log in', section: 'login' }, loginPage({ next, tokenFile: options.tokenFile, problem })));
    const logIn = (request: FastifyRequest, reply: FastifyReply, next: string, how: string) => {
        const session = access.openSession();
        void reply.setCookie(SESSION_COOKIE_NAME, session, { path: '/', httpOnly: true, sameSite: 'strict' });
        options.logger.info(`Audit: ${AdminAccess.sessionLabel(session)} logged in with ${how}`, {
            audit: true,
            actor: AdminAccess.sessionLabel(session),
            action: 'login'
        });
        return reply.redirect(safeNext(next), 303);
    };

    app.get('/login', { config: { rateLimit: { max: 30, timeWindow: 60_000 } } }, async (request: LoginRequest, reply) => {
        const next = request.query.next ?? '/integrations';
        const code = request.query.code;
        if (code === undefined) return show(reply, next);
        if (access.redeemLoginCode(code)) return logIn(request, reply, next, 'the one-time login link');
        return show(reply, next, 'This login link was already used or has expired. Log in with the admin token instead.', 401);
    });
    app.post('/login', { config: { rateLimit: { max: 10, timeWindow: 60_000 } } }, async (request: LoginRequest, reply) => {
        const next = request.body?.next ?? '/integrations';
        const token = request.body?.token?.trim() ?? '';
        if (token !== '' && access.checkToken(token)) return logIn(request, reply, next, 'the admin token');
        options.logger.warn('Console login refused: wrong admin token');
        return show(reply, next, 'That is not the admin token.', 401);
    });
    app.post('/logout', async (request, reply) => {
        const session = request.cookies[SESSION_COOKIE_NAME];
        access.closeSession(session);
        if (request.sessionAuth) {
            options.logger.info(`Audit: ${request.actor} logged out`, { audit: true, actor: request.actor, action: 'logout' });
        }
        void reply.clearCookie(SESSION_COOKIE_NAME, { path: '/' });
        return reply.redirect('/login', 303);
    });
}

/** Only a local path: a login link must not send the browser elsewhere. */
function safeNext(next: string): string {
    return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/integrations';
}
