import { hash } from 'node:crypto';
import { injectable } from 'inversify';
import { GatewayToken, type GatewayTokenOptions } from './gateway-token.js';

/**
 * Hands out one {@link GatewayToken} per gateway, user and password, so the polls of an instance (and the
 * instances of one account) reuse a token for its four hours instead of logging in on every poll. A changed
 * password gets a token of its own. Bind it as a singleton in the plugin's container.
 */
@injectable()
export class GatewayTokenRegistry {
    private readonly tokens = new Map<string, GatewayToken>();

    /** The token holder for these credentials, created on first use (later `options` other than the key are ignored). */
    forCredentials(options: GatewayTokenOptions): GatewayToken {
        // The password is part of the key only as a hash: the map must not become one more copy of it.
        const key = [
            new URL(options.gatewayUrl).origin,
            options.username.trim().toLowerCase(),
            hash('sha256', options.password, 'hex')
        ].join(' ');
        let token = this.tokens.get(key);
        if (token === undefined) {
            token = new GatewayToken(options);
            this.tokens.set(key, token);
        }
        return token;
    }
}
