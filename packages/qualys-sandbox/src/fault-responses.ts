import type { ServerResponse } from 'node:http';
import { sendXml } from './api-context.js';
import type { SandboxFault } from './fault-injector.js';
import { describeWait, formatQualysDate } from './qualys-date.js';
import type { SandboxRequestRecord } from './request-log.js';
import { genericReturnXml, htmlErrorPage, type SimpleReturnItem } from './simple-return.js';

/** Sends a SIMPLE_RETURN with a status, code, text, items and headers. */
export type SimpleReplier = (
    status: number,
    code: number,
    text: string,
    items?: SimpleReturnItem[],
    headers?: Record<string, string>
) => void;

/** The 1960 text, as real servers word it. */
export function concurrencyText(running: number): string {
    const verb = running === 1 ? ' has' : 's have';
    return `This API cannot be run again until ${running} currently running instance${verb} finished.`;
}

/** The 1965 text, as real servers word it. */
export function rateLimitText(toWaitSec: number): string {
    return `This API cannot be run again for another ${describeWait(toWaitSec)}.`;
}

/** What a fault answer needs besides the fault itself. */
export interface FaultAnswerContext {
    res: ServerResponse;
    record: SandboxRequestRecord;
    reply: SimpleReplier;
    /** The endpoint's current limit headers (not consuming its budget). */
    headers: Record<string, string>;
    username: string;
    nowSec: number;
}

/**
 * Answers a request with a fault that replaces the whole response (rate/concurrency blocks, server errors,
 * arbitrary SIMPLE_RETURNs, registration required). Returns false for faults applied while streaming instead.
 */
export function answerWithFault(fault: SandboxFault, ctx: FaultAnswerContext): boolean {
    const { reply, headers } = ctx;
    switch (fault.type) {
        case 'rate-limit': {
            const wait = Math.max(0, Math.round(fault.toWaitSec ?? 60));
            const blocked = { ...headers, 'X-RateLimit-Remaining': '0', 'X-RateLimit-ToWait-Sec': String(wait) };
            reply(409, 1965, rateLimitText(wait), [{ key: 'SECONDS_TO_WAIT', value: wait }], blocked);
            return true;
        }
        case 'concurrency-limit': {
            // Like a real concurrency block: no ToWait/Remaining headers, and every slot reported busy.
            const { 'X-RateLimit-Remaining': _remaining, 'X-RateLimit-ToWait-Sec': _wait, ...rest } = headers;
            const running = Number(headers['X-Concurrency-Limit-Limit']);
            const blocked = { ...rest, 'X-Concurrency-Limit-Running': String(running) };
            reply(409, 1960, concurrencyText(running), [{ key: 'CALLS_TO_FINISH', value: 1 }], blocked);
            return true;
        }
        case 'registration-required':
            reply(
                409,
                2003,
                'Registration must be completed before API requests will be served for this account',
                [],
                headers
            );
            return true;
        case 'simple-return':
            reply(fault.status ?? 200, fault.code, fault.text, [], headers);
            return true;
        case 'server-error':
            sendServerError(fault.status ?? 500, ctx);
            return true;
        default:
            return false;
    }
}

/** 503 is scheduled maintenance (1999), 502/504 an HTML gateway page, anything else the v1 GENERIC_RETURN 999. */
function sendServerError(status: number, ctx: FaultAnswerContext): void {
    const { res, record, headers } = ctx;
    if (status === 503) {
        ctx.reply(
            503,
            1999,
            'We are performing scheduled maintenance on our System. Please try again later.',
            [],
            headers
        );
        return;
    }
    record.status = status;
    if (status === 502 || status === 504) {
        const title = status === 502 ? 'Bad Gateway' : 'Gateway Timeout';
        const body = htmlErrorPage(status, title, 'The upstream server did not answer in time.');
        res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
    }
    sendXml(res, status, genericReturnXml(ctx.username, formatQualysDate(ctx.nowSec), record.path), headers);
}
