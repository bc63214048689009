import { inject, injectable, optional } from 'inversify';
import { Clock, type Logger, LoggerFactory } from '@signal-connectors/connector-sdk';
import { SubscriptionRateLimiter, type SubscriptionRateLimiterOptions } from './subscription-rate-limiter.js';

/** The connector id the shared limiters log under (they serve every instance, so no instance label). */
const CONNECTOR_ID = 'signal-client.qualys';

/**
 * Hands out one {@link SubscriptionRateLimiter} per Qualys subscription, i.e. per API server and user name:
 * Qualys counts calls per account, so every instance in this process that uses the same account must draw
 * from the same budget, or each one earns its own 409s. Bind it as a singleton in the plugin's container.
 *
 * Its clock and logger come from the container (the host's `Clock` and `LoggerFactory`); the limiters log
 * under `{ connector, subscription }` because they serve several instances at once.
 */
@injectable()
export class SubscriptionLimiterRegistry {
    private readonly limiters = new Map<string, SubscriptionRateLimiter>();

    constructor(
        @inject(Clock) private readonly clock: Clock,
        @inject(LoggerFactory) @optional() private readonly loggerFactory?: LoggerFactory
    ) {}

    /**
     * The limiter of the subscription `username` at `baseUrl`, created on first use. `options` apply only
     * when this call creates it: a budget shared by several instances has one set of rules.
     */
    forSubscription(
        baseUrl: string,
        username: string,
        options?: SubscriptionRateLimiterOptions
    ): SubscriptionRateLimiter {
        const key = SubscriptionLimiterRegistry.key(baseUrl, username);
        let limiter = this.limiters.get(key);
        if (limiter === undefined) {
            limiter = new SubscriptionRateLimiter(this.clock, this.loggerFor(key), options);
            this.limiters.set(key, limiter);
        }
        return limiter;
    }

    /**
     * The identity of a subscription: the API server's origin (scheme, lower-cased host, non-default port)
     * and the user name, lower-cased as Qualys compares it.
     */
    static key(baseUrl: string, username: string): string {
        let origin = baseUrl.trim().toLowerCase();
        try {
            origin = new URL(origin.includes('://') ? origin : `https://${origin}`).origin;
        } catch {
            // An unparsable URL never reaches here after config validation; keep it as its own key.
        }
        return `${origin} ${username.trim().toLowerCase()}`;
    }

    private loggerFor(subscription: string): Logger {
        return this.loggerFactory?.create({ connector: CONNECTOR_ID, subscription }) ?? silentLogger;
    }
}

const silentLogger: Logger = {
    error: () => undefined,
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
    child: () => silentLogger
};
