import {
    type ConfigValidation,
    type ConnectionReport,
    type Connector,
    type ConnectorContext,
    type HttpEvent,
    type PollContext,
    type PollItem,
    type StreamCheckpoints
} from '@signal-connectors/connector-sdk';
import { inject, injectable, optional } from 'inversify';
import { GatewayTokenRegistry } from './client/gateway-token-registry.js';
import { QualysApiClient } from './client/qualys-api-client.js';
import { gatewayTokenFor } from './client/gateway-token-options.js';
import { SubscriptionLimiterRegistry } from './client/subscription-limiter-registry.js';
import { validateQualysConfig } from './config/qualys-config-validator.js';
import { testQualysConnection } from './connection/connection-tester.js';
import type { QualysConfig } from './model/index.js';
import { pollQualys } from './poll/qualys-poller.js';

/**
 * The Qualys Vulnerability Management connector: the streams `host_detections` (OCSF Vulnerability Findings),
 * `knowledge_base` and `scans`, streamed and incremental, each with its own checkpoint. Every instance of the same
 * subscription (API server and username) in this process shares one rate limiter; with token authentication,
 * instances and polls of the same credentials share one gateway token until it needs renewing.
 */
@injectable()
export class QualysConnector implements Connector<QualysConfig> {
    constructor(
        @inject(SubscriptionLimiterRegistry) private readonly limiters: SubscriptionLimiterRegistry,
        @inject(GatewayTokenRegistry)
        @optional()
        private readonly tokens: GatewayTokenRegistry = new GatewayTokenRegistry()
    ) {}

    validateConfig(raw: unknown): ConfigValidation<QualysConfig> {
        return validateQualysConfig(raw);
    }

    testConnection(config: QualysConfig, ctx: ConnectorContext): Promise<ConnectionReport> {
        return testQualysConnection(config, ctx, this.limiters, this.tokens);
    }

    poll(config: QualysConfig, checkpoints: StreamCheckpoints, ctx: PollContext): AsyncIterable<PollItem> {
        const limiter = this.limiters.forSubscription(config.baseUrl, config.username);
        const client = new QualysApiClient(config, {
            http: ctx.http,
            logger: ctx.logger,
            rateLimitPolicy: limiter,
            limits: limiter,
            clock: ctx.clock,
            timeoutSeconds: config.timeoutSeconds,
            onEvent: event => recordCallMetric(ctx, event),
            token: gatewayTokenFor(config, ctx, this.tokens)
        });
        return pollQualys(config, checkpoints, ctx, client);
    }
}

function recordCallMetric(ctx: PollContext, event: HttpEvent): void {
    if (event.type === 'request') ctx.metrics.increment('api_calls_total', { endpoint: event.endpoint });
    else if (event.type === 'throttled') ctx.metrics.increment('rate_limit_waits_total', { endpoint: event.endpoint });
    else if (event.type === 'retry') ctx.metrics.increment('api_retries_total', { endpoint: event.endpoint });
}
