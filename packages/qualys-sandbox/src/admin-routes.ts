import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultInjector } from './fault-injector.js';
import { parseHldQuery } from './hld-handler.js';
import { formatQualysDate } from './qualys-date.js';
import { type RateLimiter, SANDBOX_ENDPOINTS } from './rate-limiter.js';
import { ParamError, readBody, RequestParams } from './request-params.js';
import type { SandboxRequestLog } from './request-log.js';
import { ResponseStream } from './response-stream.js';
import type { AdvanceOptions, SyntheticTenant } from './synthetic-tenant.js';
import type { TokenIssuer } from './token-issuer.js';

/** Prefix of the control routes (no Basic auth; the server only listens on loopback). */
export const ADMIN_PREFIX = '/__sandbox/';

/** What the admin routes control. */
export interface AdminTarget {
    url: string;
    tenant: SyntheticTenant;
    faults: FaultInjector;
    requests: SandboxRequestLog;
    limits: RateLimiter;
    /** Pace of each streamed answer, bytes per second; undefined = unpaced. */
    bytesPerSec?: number;
    tokens: TokenIssuer;
    basicAuth: boolean;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
    const body = JSON.stringify(value, null, 2) + '\n';
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
    const text = (await readBody(req)).trim();
    return text === '' ? {} : JSON.parse(text);
}

/** Checks untrusted JSON is usable as AdvanceOptions; throws TypeError otherwise. */
export function validateAdvanceOptions(value: unknown): AdvanceOptions {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new TypeError('advance options must be an object');
    const options = value as Record<string, unknown>;
    for (const field of ['hours', 'seconds', 'rescanFraction', 'kbModifications', 'scanLaunches']) {
        if (
            options[field] !== undefined &&
            (typeof options[field] !== 'number' || !Number.isFinite(options[field]) || (options[field] as number) < 0)
        ) {
            throw new TypeError(`${field} must be a non-negative number`);
        }
    }
    const ids = options.rescanHostIds;
    if (ids !== undefined && (!Array.isArray(ids) || !ids.every(id => typeof id === 'number'))) {
        throw new TypeError('rescanHostIds must be an array of host ids');
    }
    if (options.to !== undefined) {
        const to = typeof options.to === 'string' ? new Date(options.to) : undefined;
        if (to === undefined || Number.isNaN(to.getTime())) throw new TypeError('to must be an ISO date-time string');
        return { ...(options as AdvanceOptions), to };
    }
    return options as AdvanceOptions;
}

/** The `hostIds` of a purge or restore request; throws TypeError when they are not a list of numbers. */
function hostIdsOf(value: unknown): number[] {
    const ids = (value as { hostIds?: unknown } | null)?.hostIds;
    if (!Array.isArray(ids) || !ids.every(id => Number.isSafeInteger(id))) {
        throw new TypeError('hostIds must be an array of host ids');
    }
    return ids as number[];
}

/** The tenant summary plus faults, request counts and limits, as `GET /__sandbox/state` returns it. */
export function adminState(target: AdminTarget): Record<string, unknown> {
    const requests = Object.fromEntries(
        [...SANDBOX_ENDPOINTS, 'auth' as const].map(endpoint => [endpoint, target.requests.count(endpoint)])
    );
    return {
        url: target.url,
        ...target.tenant.state(),
        faults: { pending: target.faults.pending(), fired: target.faults.fired() },
        requests,
        limits: target.limits.snapshot(),
        bytesPerSec: target.bytesPerSec ?? null,
        tokens: tokenState(target)
    };
}

/** Gateway tokens: lifetime, how many were issued and refused, and whether Basic is accepted. */
function tokenState(target: AdminTarget): Record<string, unknown> {
    return {
        lifetimeSec: target.tokens.lifetimeSec,
        issued: target.tokens.issued,
        rejected: target.tokens.rejected,
        basicAuth: target.basicAuth
    };
}

/** Streams `{"detections":[...],"count":N}` for `GET /__sandbox/expected` (HLD query parameters, no paging). */
async function streamExpected(target: AdminTarget, url: URL, res: ServerResponse): Promise<void> {
    const params = new RequestParams(new URLSearchParams({ action: 'list' }), url.searchParams);
    const { filter } = parseHldQuery(params);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const out = new ResponseStream(res);
    out.write('{"detections":[');
    let count = 0;
    for (const key of target.tenant.expectedDetections(filter)) {
        out.write((count++ === 0 ? '\n' : ',\n') + JSON.stringify(key));
        if (!(await out.endRecord())) return;
    }
    await out.end(`\n],"count":${count}}\n`);
}

/**
 * Serves the control routes that let a test drive a sandbox running in another process:
 * - `GET /__sandbox/state`: clock, sizes, scan states, pending faults, request counts, limits
 * - `POST /__sandbox/advance` (optional JSON AdvanceOptions): moves the tenant clock
 * - `GET|POST|DELETE /__sandbox/faults`: list, inject (JSON SandboxFault) or clear faults
 * - `GET /__sandbox/expected?<HLD filters>`: the detection keys an HLD request must return
 * - `GET|DELETE /__sandbox/requests[?endpoint=hld]`: the API request log
 * - `GET|DELETE /__sandbox/limits`: rate-limit usage, or reset it
 * - `GET|DELETE /__sandbox/tokens`: gateway token counts, or revoke every token issued so far
 * - `POST /__sandbox/purge` / `POST /__sandbox/restore` (JSON `{ "hostIds": [...] }`): purge hosts from the
 *   subscription, or bring purged ones back
 */
export async function handleAdminRequest(
    target: AdminTarget,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL
): Promise<void> {
    const route = `${req.method} ${url.pathname.replace(/\/$/, '')}`;
    try {
        switch (route) {
            case 'GET /__sandbox/state':
                return sendJson(res, 200, adminState(target));
            case 'POST /__sandbox/advance': {
                const result = target.tenant.advance(validateAdvanceOptions(await readJson(req)));
                return sendJson(res, 200, {
                    ...result,
                    previous: formatQualysDate(result.previous.getTime() / 1000),
                    now: formatQualysDate(result.now.getTime() / 1000)
                });
            }
            case 'GET /__sandbox/faults':
                return sendJson(res, 200, { pending: target.faults.pending(), fired: target.faults.fired() });
            case 'POST /__sandbox/faults': {
                const fault = FaultInjector.validate(await readJson(req));
                return sendJson(res, 201, { id: target.faults.inject(fault), fault });
            }
            case 'DELETE /__sandbox/faults':
                return sendJson(res, 200, { cleared: target.faults.clear() });
            case 'GET /__sandbox/expected':
                return await streamExpected(target, url, res);
            case 'GET /__sandbox/requests': {
                const endpoint = url.searchParams.get('endpoint') ?? undefined;
                return sendJson(res, 200, target.requests.all(endpoint as never));
            }
            case 'DELETE /__sandbox/requests':
                target.requests.clear();
                return sendJson(res, 200, { cleared: true });
            case 'GET /__sandbox/limits':
                return sendJson(res, 200, target.limits.snapshot());
            case 'POST /__sandbox/purge':
                return sendJson(res, 200, { purged: target.tenant.purge(hostIdsOf(await readJson(req))) });
            case 'POST /__sandbox/restore':
                return sendJson(res, 200, { restored: target.tenant.restore(hostIdsOf(await readJson(req))) });
            case 'GET /__sandbox/tokens':
                return sendJson(res, 200, tokenState(target));
            case 'DELETE /__sandbox/tokens':
                target.tokens.revokeAll();
                return sendJson(res, 200, tokenState(target));
            case 'DELETE /__sandbox/limits':
                target.limits.reset();
                return sendJson(res, 200, target.limits.snapshot());
            default:
                return sendJson(res, 404, { error: `No admin route ${route}` });
        }
    } catch (error) {
        const status =
            error instanceof SyntaxError ||
            error instanceof TypeError ||
            error instanceof RangeError ||
            error instanceof ParamError
                ? 400
                : 500;
        if (!res.headersSent)
            sendJson(res, status, {
                error: (error as Error).message,
                ...(error instanceof ParamError ? { code: error.code } : {})
            });
        else res.destroy();
    }
}
