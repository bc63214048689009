import { ContainerModule, injectable } from 'inversify';
import type { Artifact } from '../artifact.js';
import {
    Connector,
    type ConfigValidation,
    type ConnectionReport,
    type PollBatch,
    type PollItem
} from '../connector.js';
import type { ConnectorContext, PollContext } from '../connector-context.js';
import { ConnectorError, type ConnectorErrorKind } from '../connector-error.js';
import type { HttpClient, HttpResponse } from '../http/http-client.js';
import { errorKindForHttpStatus } from '../http-status-error-kind.js';
import { createConfigValidator } from '../manifest/config-schema-validator.js';
import { secretValues } from '../manifest/secret-fields.js';
import type { StreamCheckpoints } from '../stream.js';
import { runStreams } from '../stream-isolation.js';
import { exampleManifest } from './example-manifest.js';
import type { ExampleItem } from './example-paged-api-server.js';

/** A validated config of the example connector. */
export interface ExampleConfig {
    baseUrl: string;
    username: string;
    password: string;
    pageSize: number;
}

/** The example's one stream, as its manifest declares it. */
export const EXAMPLE_ITEMS_STREAM = 'items';

/** Where the next poll of the `items` stream resumes: after the last item delivered. */
export interface ExampleCheckpoint {
    after: string;
}

// Compiled once: the same rules and messages as the host's own check against the manifest.
const checkSettings = createConfigValidator(exampleManifest.configSchema);

/**
 * Polls `GET /api/items?after=&limit=` page by page, as the stream `items`: each page is a batch whose checkpoint
 * is its last id.
 */
@injectable()
export class ExampleConnector implements Connector<ExampleConfig> {
    validateConfig(raw: unknown): ConfigValidation<ExampleConfig> {
        const problems = checkSettings(raw);
        if (problems.length > 0) return { ok: false, problems };
        const settings = raw as Omit<ExampleConfig, 'pageSize'> & { pageSize?: number };
        const config = { ...settings, pageSize: settings.pageSize ?? 100 };
        return { ok: true, config, secrets: secretValues(exampleManifest.configSchema, raw) };
    }

    async testConnection(config: ExampleConfig, ctx: ConnectorContext): Promise<ConnectionReport> {
        try {
            const response = await client(config, ctx).request({
                method: 'GET',
                path: 'api/me',
                endpoint: 'me',
                signal: ctx.signal
            });
            checkStatus(response, config);
            return {
                ok: true,
                latencyMs: response.elapsedMs,
                message: `Signed in to ${config.baseUrl} as ${config.username}`
            };
        } catch (error) {
            // testConnection reports; it never throws.
            const failure = ConnectorError.is(error)
                ? error
                : new ConnectorError('transient', `Cannot reach ${config.baseUrl}`);
            return {
                ok: false,
                message: failure.message,
                hint: failure.hint ?? 'Check the base URL and the network',
                errorKind: failure.kind
            };
        }
    }

    poll(config: ExampleConfig, checkpoints: StreamCheckpoints, ctx: PollContext): AsyncIterable<PollItem> {
        // One stream here; a connector with several lists them all. runStreams ends each with its status and
        // turns a stream's error into a `failed` status, so one failing stream never stops the others.
        const items = checkpoints[EXAMPLE_ITEMS_STREAM] as ExampleCheckpoint | undefined;
        return runStreams([{ stream: EXAMPLE_ITEMS_STREAM, poll: () => this.pollItems(config, items, ctx) }], {
            signal: ctx.signal,
            logger: ctx.logger
        });
    }

    /** The `items` stream: throws a `ConnectorError` when a page fails. */
    async *pollItems(
        config: ExampleConfig,
        checkpoint: ExampleCheckpoint | undefined,
        ctx: PollContext
    ): AsyncGenerator<PollBatch<ExampleCheckpoint>> {
        const http = client(config, ctx);
        let after = checkpoint?.after;
        // Checking the signal before each page is the "safe point": a batch is either yielded whole or not at all.
        while (!ctx.signal.aborted) {
            const query = { limit: String(config.pageSize), ...(after === undefined ? {} : { after }) };
            const response = await http.request({
                method: 'GET',
                path: 'api/items',
                query,
                endpoint: 'items',
                signal: ctx.signal
            });
            checkStatus(response, config);
            const page = parsePage(response.body);
            if (page.items.length === 0) return;
            after = page.items[page.items.length - 1].id;
            ctx.logger.debug('Fetched a page of items', { count: page.items.length, after });
            yield {
                stream: EXAMPLE_ITEMS_STREAM,
                artifacts: page.items.map(item => toArtifact(item, ctx)),
                checkpoint: { after },
                progress: { items: page.items.length }
            };
            if (!page.hasMore) return;
        }
    }
}

/** The plugin's DI entry: a real plugin's `entry` module default-exports it. */
export const exampleConnectorModule = new ContainerModule(options => {
    options.bind(Connector).to(ExampleConnector).inSingletonScope();
});

export default exampleConnectorModule;

function client(config: ExampleConfig, ctx: ConnectorContext): HttpClient {
    const auth = { username: config.username, password: config.password };
    return ctx.http.create({ baseUrl: config.baseUrl, auth, userAgent: 'example-connector', logger: ctx.logger });
}

/** What the user should do about each kind of failure, and how to say what went wrong. */
const FAILURES: Partial<Record<ConnectorErrorKind, [problem: string, hint: string]>> = {
    auth: ['refused the credentials', 'Check the username and password'],
    permission: ['does not let this account read items', 'Grant the account read access'],
    not_found: ['has no items API', 'Check the base URL']
};

function checkStatus(response: HttpResponse, config: ExampleConfig): void {
    const { status } = response;
    if (status >= 200 && status < 300) return;
    // The HTTP client has already retried 429 and 5xx; what reaches here is what is left after its retries.
    const kind = errorKindForHttpStatus(status);
    const [problem, hint] = FAILURES[kind] ?? [`answered HTTP ${status}`, undefined];
    const retryAfterMs = kind === 'rate_limited' ? (Number(response.headers['retry-after']) || 60) * 1000 : undefined;
    throw new ConnectorError(kind, `${config.baseUrl} ${problem}`, { status, hint, retryAfterMs });
}

function parsePage(body: string): { items: ExampleItem[]; hasMore: boolean } {
    try {
        const page = JSON.parse(body) as { items: ExampleItem[]; hasMore: boolean };
        if (Array.isArray(page.items) && typeof page.hasMore === 'boolean') return page;
    } catch {
        // Reported below, like any other malformed page.
    }
    throw new ConnectorError('protocol', 'The items page is not the expected JSON { items, hasMore }');
}

function toArtifact(item: ExampleItem, ctx: PollContext): Artifact<ExampleItem> {
    const source = { connector: ctx.connectorId, instance: ctx.instanceId };
    return {
        id: `example.item:${item.id}`,
        type: 'example.item',
        time: new Date(item.updatedAt).toISOString(),
        source,
        data: item
    };
}
