import { injectable, unmanaged } from 'inversify';
import { type Clock, SystemClock } from '../clock.js';
import { GotHttpClient } from './got-http-client.js';
import type { HttpClient, HttpClientFactory, HttpClientOptions } from './http-client.js';

/** Options of a {@link GotHttpClientFactory}. */
export interface GotHttpClientFactoryOptions {
    /** The host's part of every User-Agent, e.g. `signal-client/1.2.0`; a client's own `userAgent` follows it. */
    userAgent?: string;
    /** Time for backoff and throttle waits; tests pass a fake one to make waits instant (default: the system clock). */
    clock?: Clock;
    /** Source of backoff jitter in `[0, 1)`; tests pass a fixed one to know the delays (default `Math.random`). */
    random?: () => number;
}

/**
 * The host's {@link HttpClientFactory}, built on got. Every client it makes:
 * - verifies TLS always, trusting the system CAs plus an optional `caFile`;
 * - goes through `proxy`, or the `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` environment, via hpagent;
 * - retries network errors, timeouts, 408/429/500/502/503/504 with exponential backoff and full jitter,
 *   honouring `Retry-After`; returns the last response once retries are spent, throws for network errors;
 * - lets a `rateLimitPolicy` gate every attempt and judge every response;
 * - returns non-2xx responses (body capped at 64 KiB) instead of throwing;
 * - throws only {@link ConnectorError}s of its own, which never hold credentials, the Authorization header,
 *   or a proxy password.
 *
 * A bad base URL, proxy URL or CA file makes every call of that client reject with a `config` error.
 */
@injectable()
export class GotHttpClientFactory implements HttpClientFactory {
    private readonly clock: Clock;
    private readonly random: () => number;
    private readonly userAgent?: string;

    constructor(@unmanaged() options: GotHttpClientFactoryOptions = {}) {
        this.clock = options.clock ?? new SystemClock();
        this.random = options.random ?? Math.random;
        this.userAgent = options.userAgent;
    }

    create(options: HttpClientOptions): HttpClient {
        return new GotHttpClient(options, { clock: this.clock, random: this.random, userAgent: this.userAgent });
    }
}
