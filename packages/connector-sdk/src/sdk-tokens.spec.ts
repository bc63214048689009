import { expect } from 'chai';
import * as sdk from './index.js';

describe('SDK tokens', () => {
    it('are registry symbols, the same in every copy of the SDK a process loads', () => {
        const names = [
            'Connector',
            'Clock',
            'LoggerFactory',
            'HttpClientFactory',
            'KeyValueStore',
            'ConnectorMetrics',
            'PluginManifest',
            'PluginStore',
            'InstanceContext',
            'InstanceId'
        ] as const;
        for (const name of names) {
            expect(sdk[name], name).to.equal(Symbol.for(`@signal-connectors/connector-sdk:${name}`));
        }
    });
});
