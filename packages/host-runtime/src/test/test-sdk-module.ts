import { ContainerModule } from 'inversify';
import {
    Clock,
    HttpClientFactory,
    LoggerFactory,
    type HttpClient,
    type HttpClientOptions
} from '@signal-connectors/connector-sdk';
import { FakeClock } from '@signal-connectors/connector-sdk/testing';
import { CapturedLoggerFactory } from './captured-logger-factory.js';

/** The host services a test composes with, exposed so the test can drive and inspect them. */
export interface TestServices {
    clock: FakeClock;
    loggers: CapturedLoggerFactory;
    /** Options of every HTTP client created (no request is ever sent). */
    httpClients: HttpClientOptions[];
    module: ContainerModule;
}

/** A stand-in for the SDK's `connectorSdkModule`: a fake clock, captured logs, and HTTP clients that refuse to send. */
export function createTestServices(clock: FakeClock = new FakeClock()): TestServices {
    const loggers = new CapturedLoggerFactory();
    const httpClients: HttpClientOptions[] = [];
    const http: HttpClientFactory = {
        create(options: HttpClientOptions): HttpClient {
            httpClients.push(options);
            const refuse = (): Promise<never> => Promise.reject(new Error('no HTTP in host-runtime tests'));
            return { request: refuse, stream: refuse };
        }
    };
    const module = new ContainerModule(options => {
        options.bind(Clock).toConstantValue(clock);
        options.bind(LoggerFactory).toConstantValue(loggers);
        options.bind(HttpClientFactory).toConstantValue(http);
    });
    return { clock, loggers, httpClients, module };
}
