import { ContainerModule } from 'inversify';
import { Clock, SystemClock } from './clock.js';
import { GotHttpClientFactory } from './http/got-http-client-factory.js';
import { HttpClientFactory } from './http/http-client.js';
import { LoggerFactory } from './logging/logger.js';
import { WinstonLoggerFactory } from './logging/winston-logger-factory.js';

/**
 * The SDK's default host services for the root container: the system clock, winston loggers (JSON lines
 * to stderr, or readable lines on a terminal) and got-based HTTP clients, each a singleton so every plugin
 * shares one output, one set of redacted secrets and one connection pool. A host that needs other options
 * binds its own instances instead of loading this module.
 */
export const connectorSdkModule = new ContainerModule(options => {
    options.bind<Clock>(Clock).to(SystemClock).inSingletonScope();
    options.bind<LoggerFactory>(LoggerFactory).to(WinstonLoggerFactory).inSingletonScope();
    options.bind<HttpClientFactory>(HttpClientFactory).to(GotHttpClientFactory).inSingletonScope();
});

export default connectorSdkModule;
