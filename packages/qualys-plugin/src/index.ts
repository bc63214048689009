import 'reflect-metadata';
import { qualysPluginModule } from './qualys-plugin-module.js';

export { QualysApiClient } from './client/qualys-api-client.js';
export { SubscriptionLimiterRegistry } from './client/subscription-limiter-registry.js';
export { SubscriptionRateLimiter } from './client/subscription-rate-limiter.js';
export { QUALYS_MANIFEST, validateQualysConfig } from './config/qualys-config-validator.js';
export { testQualysConnection } from './connection/connection-tester.js';
export * from './model/index.js';
export {
    QualysStream,
    readCheckpoints,
    type DetectionWindow,
    type HostDetectionsCheckpoint,
    type KnowledgeBaseCheckpoint,
    type LegacyQualysCheckpoint,
    type QualysCheckpoints,
    type ScansCheckpoint
} from './poll/qualys-checkpoint.js';
export { pollQualys, type PollTuning, type QualysPollApi } from './poll/qualys-poller.js';
export { QualysConnector } from './qualys-connector.js';
export { qualysPluginModule };

/** The plugin's entry: the host loads this `ContainerModule` into the plugin's container. */
export default qualysPluginModule;
