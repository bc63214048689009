import { Connector } from '@signal-connectors/connector-sdk';
import { ContainerModule } from 'inversify';
import { GatewayTokenRegistry } from './client/gateway-token-registry.js';
import { SubscriptionLimiterRegistry } from './client/subscription-limiter-registry.js';
import { QualysConnector } from './qualys-connector.js';

/**
 * The plugin's DI entry, loaded into the plugin's own container: the connector, the rate-limiter registry as a
 * singleton so that every instance of one subscription shares one budget, and the gateway token registry so that
 * polls reuse a token for its lifetime.
 */
export const qualysPluginModule = new ContainerModule(options => {
    options.bind(SubscriptionLimiterRegistry).toSelf().inSingletonScope();
    options.bind(GatewayTokenRegistry).toSelf().inSingletonScope();
    options.bind(Connector).to(QualysConnector).inSingletonScope();
});
