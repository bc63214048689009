import type { FastifyReply } from 'fastify';

const tokens = new WeakMap<FastifyReply, string>();

/**
 * The CSRF token of this response, made once: each `generateCsrf` call on a first visit makes a new secret
 * cookie, so a page that asked twice would carry a token its cookie no longer matches.
 */
export function csrfToken(reply: FastifyReply): string {
    let token = tokens.get(reply);
    if (token === undefined) {
        token = reply.generateCsrf();
        tokens.set(reply, token);
    }
    return token;
}
