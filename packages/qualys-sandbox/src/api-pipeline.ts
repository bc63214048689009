import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleAbout } from './about-handler.js';
import { sameSecret } from './credentials.js';
import { type ApiContext, type ApiHandler, sendSimpleReturn, sendXml } from './api-context.js';
import type { FaultInjector } from './fault-injector.js';
import { answerWithFault, concurrencyText, rateLimitText, type SimpleReplier } from './fault-responses.js';
import { handleHostDetections } from './hld-handler.js';
import { isHostileFault } from './hostile-content.js';
import { handleHostList } from './host-list-handler.js';
import { handleKnowledgeBase } from './kb-handler.js';
import { formatQualysDate } from './qualys-date.js';
import type { RateLimiter, SandboxEndpoint } from './rate-limiter.js';
import { ParamError, RequestParams } from './request-params.js';
import type { SandboxRequestLog } from './request-log.js';
import { handleScanList } from './scan-handler.js';
import { genericReturnXml, htmlErrorPage } from './simple-return.js';
import type { SyntheticTenant } from './synthetic-tenant.js';
import type { TokenIssuer } from './token-issuer.js';

/** What the API pipeline works with; the server owns these objects. */
export interface PipelineDeps {
    tenant: SyntheticTenant;
    faults: FaultInjector;
    requests: SandboxRequestLog;
    limiter: RateLimiter;
    credentials: { username: string; password: string };
    baseUrl: string;
    /** Pace of every streamed answer, in bytes per second; unset = as fast as the client reads. */
    bytesPerSec?: number;
    /** Issues and checks the gateway's tokens (Bearer authentication). */
    issuer: TokenIssuer;
    /** Whether Basic credentials are accepted (false models a subscription that turned Basic off). */
    basicAuth: boolean;
}

const ROUTES: readonly [RegExp, SandboxEndpoint, ApiHandler][] = [
    [/^\/api\/[2-5]\.0\/fo\/asset\/host\/vm\/detection\/?$/, 'hld', handleHostDetections],
    [/^\/api\/[2-4]\.0\/fo\/knowledge_base\/vuln\/?$/, 'kb', handleKnowledgeBase],
    [/^\/api\/[23]\.0\/fo\/scan\/?$/, 'scans', handleScanList],
    [/^\/api\/[2-5]\.0\/fo\/asset\/host\/?$/, 'hosts', handleHostList],
    [/^\/msp\/about\.php$/, 'about', handleAbout]
];

/** True when the Authorization header carries the sandbox's Basic credentials. */
export function isAuthorized(header: string | undefined, credentials: { username: string; password: string }): boolean {
    const match = /^Basic\s+(.+)$/i.exec(header ?? '');
    if (!match) return false;
    const decoded = Buffer.from(match[1].trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const userOk = sameSecret(decoded.slice(0, colon), credentials.username);
    return sameSecret(decoded.slice(colon + 1), credentials.password) && userOk;
}

/**
 * Why a request may not be served, or undefined when its credentials are good: Basic credentials (unless the
 * subscription turned Basic off), or a gateway token that is valid, unexpired and not revoked.
 */
function refusal(deps: PipelineDeps, header: string | undefined): string | undefined {
    const bearer = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (bearer) {
        const check = deps.issuer.check(bearer[1], deps.credentials.username);
        return check === 'valid' ? undefined : `The token is ${check}; log in to the gateway again (POST /auth).`;
    }
    if (!isAuthorized(header, deps.credentials)) return 'Bad Login/Password';
    return deps.basicAuth
        ? undefined
        : 'Basic authentication is disabled for this subscription; use a gateway token (POST /auth).';
}

/** Answers paths no API lives at like a wrong host would (HTML 404), and other methods with 405. */
function sendHtmlError(
    deps: PipelineDeps,
    res: ServerResponse,
    url: URL,
    method: string,
    endpoint?: SandboxEndpoint
): void {
    const record = deps.requests.start(
        endpoint ?? 'unknown',
        method,
        url.pathname,
        Object.fromEntries(url.searchParams)
    );
    record.status = endpoint ? 405 : 404;
    const body = endpoint
        ? htmlErrorPage(405, 'Method Not Allowed', 'Use GET or POST.')
        : htmlErrorPage(404, 'Not Found', `The requested URL ${url.pathname} was not found on this server.`);
    const allow: Record<string, string> = endpoint ? { Allow: 'GET, POST' } : {};
    res.writeHead(record.status, { ...allow, 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
}

/**
 * Serves one API request: routing, Basic or gateway-token auth (401/2000), the mandatory X-Requested-With header, injected
 * faults, per-endpoint rate and concurrency limits (409/1965, 409/1960), then the endpoint handler. A call holds
 * its concurrency slot until its response has finished streaming or the client went away.
 */
export async function handleApiRequest(
    deps: PipelineDeps,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL
): Promise<void> {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const route = ROUTES.find(([pattern]) => pattern.test(url.pathname));
    if (!route || (method !== 'GET' && method !== 'POST')) return sendHtmlError(deps, res, url, method, route?.[1]);
    const [, endpoint, handler] = route;
    const { tenant, baseUrl, limiter, credentials } = deps;
    let params = new RequestParams(url.searchParams);
    let bodyError: ParamError | undefined;
    try {
        params = await RequestParams.fromRequest(req, url);
    } catch (error) {
        if (!(error instanceof ParamError)) throw error;
        bodyError = error;
    }
    const record = deps.requests.start(endpoint, method, url.pathname, params.toRecord());
    res.on('close', () => {
        record.durationMs = Date.now() - started;
        if (record.status === 0) record.status = res.statusCode;
    });
    const reply: SimpleReplier = (status, code, text, items = [], headers = limiter.peekHeaders(endpoint)) =>
        sendSimpleReturn(res, record, baseUrl, tenant, status, code, text, items, headers);

    const refused = refusal(deps, req.headers.authorization);
    if (refused !== undefined) {
        const headers = { ...limiter.peekHeaders(endpoint), 'WWW-Authenticate': 'Basic realm="MSP Login"' };
        return reply(401, 2000, refused, [], headers);
    }
    if (req.headers['x-requested-with'] === undefined) {
        const text = 'Missing required header(s): X-Requested-With (it is required for all API requests)';
        return reply(400, 1903, text);
    }
    if (bodyError) return reply(bodyError.status, bodyError.code, bodyError.message);
    const fault = deps.faults.take(endpoint);
    record.fault = fault?.type;
    const faultContext = {
        res,
        record,
        reply,
        headers: limiter.peekHeaders(endpoint),
        username: credentials.username,
        nowSec: tenant.nowSec()
    };
    if (fault && answerWithFault(fault, faultContext)) return;

    const decision = limiter.acquire(endpoint);
    if (decision.kind === 'concurrency') {
        const toFinish = [{ key: 'CALLS_TO_FINISH', value: decision.running - decision.limit + 1 }];
        return reply(409, 1960, concurrencyText(decision.running), toFinish, decision.headers);
    }
    if (decision.kind === 'rate') {
        const toWait = [{ key: 'SECONDS_TO_WAIT', value: decision.toWaitSec }];
        return reply(409, 1965, rateLimitText(decision.toWaitSec), toWait, decision.headers);
    }
    res.on('close', decision.release);
    for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
    if (fault?.type === 'slow-first-byte') await new Promise(resolve => setTimeout(resolve, fault.delayMs));
    if (res.destroyed) return;
    const streamFault =
        fault?.type === 'reset' || fault?.type === 'truncate'
            ? { type: fault.type, afterRecords: fault.afterHosts ?? 1 }
            : undefined;
    const ctx: ApiContext = {
        req,
        res,
        endpoint,
        path: url.pathname,
        params,
        tenant,
        baseUrl,
        username: credentials.username,
        record,
        streamFault,
        hostile: fault !== undefined && isHostileFault(fault) ? fault : undefined,
        bytesPerSec: deps.bytesPerSec
    };
    try {
        await handler(ctx);
    } catch (error) {
        if (res.headersSent) {
            res.destroy();
        } else if (error instanceof ParamError) {
            reply(error.status, error.code, error.message, [], decision.headers);
        } else {
            record.status = 500;
            sendXml(
                res,
                500,
                genericReturnXml(credentials.username, formatQualysDate(tenant.nowSec()), url.pathname),
                decision.headers
            );
        }
    }
}
