import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_PREFIX, handleAdminRequest } from './admin-routes.js';
import { handleApiRequest, type PipelineDeps } from './api-pipeline.js';
import { FaultInjector } from './fault-injector.js';
import { GATEWAY_AUTH_PATH, handleGatewayAuth } from './gateway-auth-handler.js';
import { RateLimiter, type RateLimitOptions, type SandboxEndpoint } from './rate-limiter.js';
import { SandboxRequestLog } from './request-log.js';
import { type AdvanceOptions, type AdvanceResult, SyntheticTenant } from './synthetic-tenant.js';
import { TokenIssuer } from './token-issuer.js';

/** Options of `QualysSandbox.start`. Tenant options default as in `TenantOptions`. */
export interface SandboxOptions {
    /** Number of hosts (default 50). */
    hosts?: number;
    /** Detections per host before any advance (default 10). */
    detectionsPerHost?: number;
    /** Approximate characters of RESULTS per detection (default 300; 0 omits RESULTS). */
    resultsSize?: number;
    /** Seed of every derived value (default 1). */
    seed?: number;
    /** Basic-auth user (default 'sandbox_user'). */
    username?: string;
    /** Basic-auth password (default 'sandbox-password'). */
    password?: string;
    /** Loopback port (default 0: any free port). */
    port?: number;
    /** Limits applied to each endpoint separately (default 300 calls / 3600 s, 2 concurrent). */
    rateLimit?: Partial<RateLimitOptions>;
    /** Per-endpoint limit overrides, e.g. `{ kb: { concurrency: 1 } }`. */
    rateLimits?: Partial<Record<SandboxEndpoint, Partial<RateLimitOptions>>>;
    /** Id of the first host (default 118220000). */
    firstHostId?: number;
    /** Tenant clock start (default 2024-05-14T08:00:00Z, or now with `wallClock`). */
    startTime?: Date;
    /** Follow the real clock: start now, and `advance()` moves to the current time. */
    wallClock?: boolean;
    /** Number of scans (default 12). */
    scans?: number;
    /** Number of KnowledgeBase QIDs (default 400). */
    kbSize?: number;
    /**
     * Streams every API answer at this many bytes per second at most, each response on its own (default: as fast
     * as the client reads): a server slower than its client, as Qualys is on large pages.
     */
    bytesPerSec?: number;
    /** Lifetime of the gateway tokens `POST /auth` issues, in seconds (default 4 hours, as Qualys documents). */
    tokenLifetimeSec?: number;
    /** Accept Basic credentials on the API (default true); false models a subscription that turned Basic off. */
    basicAuth?: boolean;
}

/**
 * A loopback HTTP server speaking the Qualys VM API v2 XML dialect over a synthetic tenant: host detections
 * (`/api/{2-5}.0/fo/asset/host/vm/detection/`), KnowledgeBase (`/api/{2-4}.0/fo/knowledge_base/vuln/`), scan list
 * (`/api/{2,3}.0/fo/scan/`) and `/msp/about.php`, the gateway's token login (`POST /auth`, whose tokens the API
 * accepts as `Authorization: Bearer`), plus `/__sandbox/` control routes. Responses stream with
 * backpressure, so very large tenants cost the server little memory.
 */
export class QualysSandbox {
    /** `http://127.0.0.1:PORT`. */
    readonly url: string;
    /** The Basic-auth credentials the sandbox accepts. */
    readonly credentials: { username: string; password: string };
    /** The synthetic data behind every response. */
    readonly tenant: SyntheticTenant;
    /** Queue of faults to inject into upcoming API responses. */
    readonly faults = new FaultInjector();
    /** Log of API requests received. */
    readonly requests = new SandboxRequestLog();
    /** Per-endpoint rate and concurrency limits. */
    readonly limits: RateLimiter;
    /** Pace of each streamed answer, in bytes per second; undefined = unpaced. */
    readonly bytesPerSec?: number;
    /** Issues and checks gateway tokens. */
    readonly tokens: TokenIssuer;
    /** Whether the API accepts Basic credentials. */
    readonly basicAuth: boolean;

    private constructor(
        private readonly server: Server,
        url: string,
        tenant: SyntheticTenant,
        credentials: { username: string; password: string },
        limits: RateLimiter,
        options: SandboxOptions
    ) {
        this.bytesPerSec = options.bytesPerSec;
        this.url = url;
        this.tenant = tenant;
        this.credentials = credentials;
        this.limits = limits;
        this.tokens = new TokenIssuer(options.tokenLifetimeSec);
        this.basicAuth = options.basicAuth !== false;
    }

    /** Builds the tenant and starts listening on 127.0.0.1. */
    static async start(options: SandboxOptions = {}): Promise<QualysSandbox> {
        const credentials = {
            username: options.username ?? 'sandbox_user',
            password: options.password ?? 'sandbox-password'
        };
        const tenant = new SyntheticTenant({ ...options, userLogin: credentials.username });
        const limits = new RateLimiter(options.rateLimit, options.rateLimits);
        const server = createServer();
        // Big responses may legitimately take minutes; only the request head has to arrive promptly.
        server.requestTimeout = 60_000;
        server.timeout = 0;
        await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(options.port ?? 0, '127.0.0.1', () => {
                server.off('error', reject);
                resolve();
            });
        });
        const { port } = server.address() as AddressInfo;
        const sandbox = new QualysSandbox(server, `http://127.0.0.1:${port}`, tenant, credentials, limits, options);
        // Attached right after listen resolves, before any connection can have been read.
        server.on('request', (req: IncomingMessage, res: ServerResponse) => {
            sandbox.dispatch(req, res).catch(() => {
                if (!res.headersSent) {
                    res.statusCode = 500;
                    res.end();
                } else {
                    res.destroy();
                }
            });
        });
        return sandbox;
    }

    /** Shortcut for `tenant.advance`. */
    advance(options?: AdvanceOptions): AdvanceResult {
        return this.tenant.advance(options);
    }

    /** Stops listening and drops open connections (including responses still streaming). */
    async close(): Promise<void> {
        await new Promise<void>(resolve => {
            this.server.close(() => resolve());
            this.server.closeAllConnections();
        });
    }

    /** Lets tests write `await using sandbox = await QualysSandbox.start()`. */
    async [Symbol.asyncDispose](): Promise<void> {
        await this.close();
    }

    private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const url = new URL(req.url ?? '/', this.url);
        if (url.pathname.startsWith(ADMIN_PREFIX)) return handleAdminRequest(this, req, res, url);
        if (url.pathname === GATEWAY_AUTH_PATH) {
            return handleGatewayAuth(
                { issuer: this.tokens, requests: this.requests, credentials: this.credentials },
                req,
                res,
                url
            );
        }
        const deps: PipelineDeps = {
            tenant: this.tenant,
            faults: this.faults,
            requests: this.requests,
            limiter: this.limits,
            credentials: this.credentials,
            baseUrl: this.url,
            bytesPerSec: this.bytesPerSec,
            issuer: this.tokens,
            basicAuth: this.basicAuth
        };
        return handleApiRequest(deps, req, res, url);
    }
}
