import type { IncomingMessage, ServerResponse } from 'node:http';
import { sameSecret } from './credentials.js';
import { ParamError, RequestParams } from './request-params.js';
import type { SandboxRequestLog } from './request-log.js';
import type { TokenIssuer } from './token-issuer.js';

/** Path of the gateway's token login. */
export const GATEWAY_AUTH_PATH = '/auth';

/** What the token login needs from the server. */
export interface GatewayAuthDeps {
    issuer: TokenIssuer;
    requests: SandboxRequestLog;
    credentials: { username: string; password: string };
}

/**
 * `POST /auth` of the Qualys gateway, as Qualys documents it: a form with `username`, `password` and `token=true`
 * answers 201 with the JWT as plain text; wrong credentials answer 401. The sandbox serves it on its own origin,
 * so the sandbox URL is both API server and gateway. The request log keeps neither the username nor the password.
 */
export async function handleGatewayAuth(
    deps: GatewayAuthDeps,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL
): Promise<void> {
    const method = req.method ?? 'GET';
    const params = await RequestParams.fromRequest(req, url).catch((error: unknown) => {
        if (error instanceof ParamError) return undefined;
        throw error;
    });
    const record = deps.requests.start('auth', method, url.pathname, params?.toRecord() ?? {});
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
        record.status = status;
        record.completed = true;
        res.writeHead(status, { ...headers, 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
    };
    if (method !== 'POST') return send(405, 'Use POST with username, password and token=true.', { Allow: 'POST' });
    if (params === undefined) return send(400, 'The request body could not be read.');
    if (params.get('token') !== 'true') return send(400, 'Missing parameter: token=true');
    const username = params.get('username') ?? '';
    const password = params.toRecord().password ?? '';
    const userOk = sameSecret(username, deps.credentials.username);
    if (!(sameSecret(password, deps.credentials.password) && userOk)) return send(401, 'Invalid credentials.');
    send(201, deps.issuer.issue(username));
}
