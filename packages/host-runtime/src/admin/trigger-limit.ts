import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The per-instance budget of manual triggers (connection tests and manual polls together, from the API and the
 * console alike), on `@fastify/rate-limit`: past `max` per window the answer is 429 with `Retry-After`, and no
 * call reaches the remote system.
 */
export class TriggerLimit {
    private readonly check: (request: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number }>;

    constructor(app: FastifyInstance, settings: { max: number; windowMs: number }) {
        this.check = app.createRateLimit({
            max: settings.max,
            timeWindow: settings.windowMs,
            keyGenerator: request => `trigger:${(request.params as { id?: string }).id ?? ''}`
        }) as never;
    }

    /** True when the request may go on; otherwise answers 429 (JSON, or `onRefused` for pages) and returns false. */
    async allow(request: FastifyRequest, reply: FastifyReply, onRefused?: (message: string, retryAfter: number) => void): Promise<boolean> {
        const result = await this.check(request);
        if (result.isAllowed || result.isExceeded !== true) return true;
        const retryAfter = Math.max(1, result.ttlInSeconds ?? 1);
        const id = (request.params as { id?: string }).id ?? '';
        const message =
            `too many connection tests and manual polls of '${id}'; try again in ${retryAfter} s ` +
            '(the limit protects the remote API budget that scheduled polls need)';
        void reply.header('Retry-After', String(retryAfter)).code(429);
        if (onRefused !== undefined) onRefused(message, retryAfter);
        else void reply.send({ error: { status: 429, message } });
        return false;
    }
}
