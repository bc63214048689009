import {
    type Clock,
    ConnectorError,
    type HttpClientFactory,
    type HttpEvent,
    type Logger
} from '@signal-connectors/connector-sdk';

/** Endpoint label of the token call, in metrics and run summaries. */
export const GATEWAY_AUTH_ENDPOINT = 'gateway_auth';

/** How long Qualys documents a gateway token to live; used when a token does not say (no readable `exp`). */
export const DEFAULT_TOKEN_LIFETIME_MS = 4 * 3_600_000;

/** A token is renewed this long before it expires (at most; a tenth of its lifetime for short-lived ones). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** What a {@link GatewayToken} needs. */
export interface GatewayTokenOptions {
    /** The gateway's origin, e.g. `https://gateway.qg2.apps.qualys.com`. */
    gatewayUrl: string;
    username: string;
    password: string;
    http: HttpClientFactory;
    clock: Clock;
    logger: Logger;
    caFile?: string;
    proxy?: string;
    timeoutSeconds: number;
}

/** A token and when it stops being used (ms since the epoch). */
interface HeldToken {
    value: string;
    renewAt: number;
    expiresAt: number;
}

/**
 * A Qualys gateway token (JWT) for subscriptions that authenticate API calls with `Authorization: Bearer`
 * instead of Basic: `POST <gateway>/auth` with `username`, `password` and `token=true` returns the token, valid
 * for about four hours. The token is reused until shortly before it expires (read from its `exp` claim, else the
 * documented four hours), renewed by whoever needs it first (one login at a time), and dropped at once when an
 * API call answers 401 with it. The token is a credential: it is never logged, and errors never quote it.
 */
export class GatewayToken {
    private held?: HeldToken;
    private pending?: Promise<HeldToken>;
    private logins = 0;

    constructor(private readonly options: GatewayTokenOptions) {}

    /** Logins made so far. */
    get loginCount(): number {
        return this.logins;
    }

    /**
     * A token valid for a while yet: the held one, or a new one. `onEvent` receives the HTTP events of a login
     * this call makes (an API client counts the call in its statistics).
     */
    async get(signal?: AbortSignal, onEvent?: (event: HttpEvent) => void): Promise<string> {
        const now = this.options.clock.now();
        if (this.held !== undefined && now < this.held.renewAt) return this.held.value;
        this.pending ??= this.login(signal, onEvent).finally(() => {
            this.pending = undefined;
        });
        return (await this.pending).value;
    }

    /** Forgets `token` after Qualys refused it (a 401), so the next {@link get} logs in again. */
    reject(token: string): void {
        if (this.held?.value === token) this.held = undefined;
    }

    private async login(
        signal: AbortSignal | undefined,
        onEvent: ((event: HttpEvent) => void) | undefined
    ): Promise<HeldToken> {
        const { username, password, clock } = this.options;
        this.logins += 1;
        const timeoutMs = this.options.timeoutSeconds * 1000;
        // A client per login (one every few hours), so each login reports to whoever asked for it.
        const client = this.options.http.create({
            baseUrl: this.options.gatewayUrl,
            timeouts: { connectMs: Math.min(30_000, timeoutMs), responseMs: timeoutMs, idleMs: timeoutMs },
            retry: { limit: 2 },
            caFile: this.options.caFile,
            proxy: this.options.proxy,
            logger: this.options.logger,
            onEvent
        });
        const response = await client.request({
            method: 'POST',
            path: '/auth',
            form: { username, password, token: 'true' },
            endpoint: GATEWAY_AUTH_ENDPOINT,
            signal
        });
        const host = new URL(this.options.gatewayUrl).host;
        if (response.status === 401 || response.status === 403) {
            throw new ConnectorError('auth', `The Qualys gateway ${host} refused the username or password`, {
                status: response.status,
                hint:
                    'Check the username and password (case-sensitive); for token authentication the user must be ' +
                    'allowed to use the gateway API'
            });
        }
        const token = response.body.trim();
        if (response.status < 200 || response.status >= 300 || !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) {
            throw new ConnectorError(
                response.status >= 500 ? 'transient' : 'protocol',
                `The Qualys gateway ${host} did not return a token (HTTP ${response.status})`,
                {
                    status: response.status,
                    hint: "Check 'gatewayUrl' (the gateway.* host of your platform); if it is right, retry later"
                }
            );
        }
        const now = clock.now();
        const expiresAt = expiryOf(token) ?? now + DEFAULT_TOKEN_LIFETIME_MS;
        const margin = Math.min(REFRESH_MARGIN_MS, Math.max(0, expiresAt - now) / 10);
        const held = { value: token, renewAt: expiresAt - margin, expiresAt };
        this.held = held;
        this.options.logger.debug('qualys: gateway token obtained', {
            gateway: host,
            validForSeconds: Math.round((expiresAt - now) / 1000)
        });
        return held;
    }
}

/** The `exp` claim of a JWT in ms since the epoch; undefined when the token does not carry a readable one. */
export function expiryOf(token: string): number | undefined {
    const payload = token.split('.')[1];
    if (payload === undefined) return undefined;
    try {
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
        return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
    } catch {
        return undefined;
    }
}
