import 'reflect-metadata';
import { expect } from 'chai';
import { Container } from 'inversify';
import { Clock, SystemClock } from './clock.js';
import { connectorSdkModule } from './connector-sdk-module.js';
import { GotHttpClientFactory } from './http/got-http-client-factory.js';
import { HttpClientFactory } from './http/http-client.js';
import { LoggerFactory } from './logging/logger.js';
import { WinstonLoggerFactory } from './logging/winston-logger-factory.js';

describe('connectorSdkModule', () => {
    it('binds the clock, logger factory and HTTP client factory as singletons, visible from child containers', () => {
        const root = new Container();
        root.load(connectorSdkModule);
        const child = new Container({ parent: root });
        expect(root.get<Clock>(Clock)).to.be.instanceOf(SystemClock);
        expect(root.get<LoggerFactory>(LoggerFactory)).to.be.instanceOf(WinstonLoggerFactory);
        expect(root.get<HttpClientFactory>(HttpClientFactory)).to.be.instanceOf(GotHttpClientFactory);
        expect(child.get<LoggerFactory>(LoggerFactory)).to.equal(root.get<LoggerFactory>(LoggerFactory));
        expect(child.get<HttpClientFactory>(HttpClientFactory)).to.equal(
            root.get<HttpClientFactory>(HttpClientFactory)
        );
        expect(child.get<Clock>(Clock)).to.equal(root.get<Clock>(Clock));
    });
});
