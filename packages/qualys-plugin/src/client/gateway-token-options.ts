import type { ConnectorContext } from '@signal-connectors/connector-sdk';
import type { QualysConfig } from '../model/qualys-config.js';
import type { GatewayToken } from './gateway-token.js';
import type { GatewayTokenRegistry } from './gateway-token-registry.js';

/** The gateway token an instance with token authentication uses; undefined for Basic authentication. */
export function gatewayTokenFor(
    config: QualysConfig,
    ctx: ConnectorContext,
    registry: GatewayTokenRegistry,
    timeoutSeconds = config.timeoutSeconds
): GatewayToken | undefined {
    if (config.authMethod !== 'token' || config.gatewayUrl === undefined) return undefined;
    return registry.forCredentials({
        gatewayUrl: config.gatewayUrl,
        username: config.username,
        password: config.password,
        http: ctx.http,
        clock: ctx.clock,
        logger: ctx.logger,
        caFile: config.caFile,
        proxy: config.proxy,
        timeoutSeconds
    });
}
