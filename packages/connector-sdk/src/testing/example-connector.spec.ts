import { expect } from 'chai';
import { Container } from 'inversify';
import { Connector, isStreamStatus, type PollBatch, type PollItem } from '../connector.js';
import { ConnectorError } from '../connector-error.js';
import type { StreamStatus } from '../stream.js';
import { CapturedLogger } from './captured-logger.js';
import { describeConnectorContract } from './describe-connector-contract.js';
import {
    type ExampleCheckpoint,
    type ExampleConfig,
    ExampleConnector,
    exampleConnectorModule
} from './example-connector.js';
import { exampleManifest } from './example-manifest.js';
import { type ExamplePagedApiServer, startExamplePagedApiServer } from './example-paged-api-server.js';
import { FakeClock } from './fake-clock.js';
import { createTestContext } from './test-context.js';

const WRONG_PASSWORD = 'wr0ng-Pa55\\word';
let server: ExamplePagedApiServer;

const settings = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    baseUrl: server.url,
    username: server.username,
    password: server.password,
    // 25 items in pages of 10: three batches, so resuming from the first one is a real test.
    pageSize: 10,
    ...overrides
});

describeConnectorContract<ExampleConfig>({
    name: exampleManifest.id,
    manifest: exampleManifest,
    createConnector: () => {
        const container = new Container();
        container.load(exampleConnectorModule);
        return container.get<Connector<ExampleConfig>>(Connector);
    },
    setup: async () => {
        server = await startExamplePagedApiServer();
    },
    teardown: () => server.close(),
    goodConfig: () => settings(),
    badCredentials: () => settings({ password: WRONG_PASSWORD }),
    secrets: () => [server.password, WRONG_PASSWORD],
    badConfigs: [
        { name: 'missing password', raw: () => settings({ password: undefined }), expectedPaths: ['password'] },
        { name: 'misspelt field', raw: () => ({ ...settings(), pagesize: 5 }), expectedPaths: ['pagesize'] },
        {
            name: 'bad types',
            raw: () => settings({ baseUrl: 'example', pageSize: '10' }),
            expectedPaths: ['baseUrl', 'pageSize']
        },
        { name: 'empty', raw: {}, expectedPaths: ['baseUrl', 'username', 'password'] }
    ]
});

describe('ExampleConnector', () => {
    const connector = new ExampleConnector();
    const config = (): ExampleConfig => {
        const result = connector.validateConfig({
            baseUrl: server.url,
            username: server.username,
            password: server.password,
            pageSize: 10
        });
        if (!result.ok) throw new Error(JSON.stringify(result.problems));
        return result.config;
    };

    before(async () => {
        server = await startExamplePagedApiServer({ itemCount: 12 });
    });

    afterEach(() => server.reset());

    after(() => server.close());

    it('defaults the page size and reports the password as a secret', () => {
        const result = connector.validateConfig({
            baseUrl: 'https://api.example.com',
            username: 'u',
            password: 'p4ss'
        });
        expect(result).to.deep.equal({
            ok: true,
            config: { baseUrl: 'https://api.example.com', username: 'u', password: 'p4ss', pageSize: 100 },
            secrets: ['p4ss']
        });
    });

    it('resumes the items stream after its checkpoint and ends it with the last page', async () => {
        const checkpoint: ExampleCheckpoint = { after: 'item-0005' };
        const items = await collect(connector.poll(config(), { items: checkpoint }, createTestContext()));
        const batches = items.filter((item): item is PollBatch => !isStreamStatus(item));
        expect(batches.map(b => [b.stream, b.artifacts.length])).to.deep.equal([['items', 7]]);
        expect(batches[0].checkpoint).to.deep.equal({ after: 'item-0012' });
        expect(items.at(-1)).to.deep.equal({ stream: 'items', status: 'complete' });
        expect(batches[0].artifacts[0]).to.include({
            id: 'example.item:item-0006',
            type: 'example.item',
            time: '2024-01-01T00:05:00.000Z'
        });
    });

    it('retries server errors (instantly, on a fake clock) and fails the stream as transient once retries are spent', async () => {
        const logger = new CapturedLogger();
        const ctx = createTestContext({ clock: new FakeClock({ autoAdvance: true }), logger });
        server.failNext(503, 2);
        const report = await connector.testConnection(config(), ctx);
        expect(report.ok).to.equal(true);
        server.failNext(503, 10);
        const items = await collect(connector.poll(config(), {}, ctx));
        expect(items).to.have.length(1);
        const status = items[0] as StreamStatus;
        expect(status).to.include({ stream: 'items', status: 'failed' });
        const error = status.status === 'failed' ? status.error : undefined;
        expect(ConnectorError.is(error) && error.kind).to.equal('transient');
        expect(logger.messages('warn').at(-1)).to.equal(`Stream items failed (transient): ${error?.message}`);
        expect(logger.text()).not.to.contain(server.password);
    });

    it('reports a wrong base URL as not_found with a hint', async () => {
        const report = await connector.testConnection(
            { ...config(), baseUrl: `${server.url}/nothing-here` },
            createTestContext()
        );
        expect(report).to.include({ ok: false, errorKind: 'not_found', hint: 'Check the base URL' });
    });
});

async function collect(iterable: AsyncIterable<PollItem>): Promise<PollItem[]> {
    const items: PollItem[] = [];
    for await (const item of iterable) items.push(item);
    return items;
}
