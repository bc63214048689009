import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { ConfigProblem, ConfigValidation } from '@signal-connectors/connector-sdk';
import { buildAdminApp } from '../admin/admin-app.js';
import { AdminAccess } from '../admin/auth/admin-access.js';
import { adminConfig, type AdminConfig, type InstanceConfig } from '../config/runtime-config.js';
import { PollRunner } from '../scheduler/poll-runner.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { InstanceAdmin } from '../service/instance-admin.js';
import { InstanceLogBook, RecordingLoggerFactory } from '../service/instance-log-book.js';
import { LiveInstances } from '../service/live-instances.js';
import { ProgressTracker } from '../service/progress-tracker.js';
import { SecretBox } from '../service/secret-box.js';
import { SqliteStateStore } from '../state/sqlite-state-store.js';
import { CapturedLoggerFactory } from './captured-logger-factory.js';
import { ScriptedConnector, type ScriptedConnectorOptions } from './scripted-connector.js';
import { createTestHost, testConfig, virtualPlugin, type TestHost } from './test-host.js';

/** The connector id of the harness's plugin. */
export const ACME = 'acme.vuln';
/** The admin token of every harness. */
export const ADMIN_TOKEN = 'test-admin-token-4f9c2a7e1b';
/** The `Host` header the harness's requests carry by default (the listener is on 127.0.0.1). */
export const LISTEN_HOST = '127.0.0.1:9464';
/** A host name the plugin's `validateConfig` refuses, with a hint that names the right one. */
export const CONSOLE_HOST = 'console.acme.example';

/**
 * The harness plugin's config schema, shaped like a real connector's: a host picked from known platforms or typed
 * (anyOf of consts plus a free branch), a username, a write-only password, and optional settings of each kind.
 */
export const ACME_SCHEMA = {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'username', 'password'],
    properties: {
        host: {
            title: 'API server',
            description: 'The API server of your Acme platform.',
            type: 'string',
            examples: ['api.eu.acme.example', 'api.us.acme.example'],
            anyOf: [
                { title: 'EU — api.eu.acme.example', const: 'api.eu.acme.example' },
                { title: 'US — api.us.acme.example', const: 'api.us.acme.example' },
                { title: 'Private platform or custom URL', type: 'string', examples: ['api.private.acme.example'] }
            ]
        },
        username: { title: 'Username', description: 'An API user.', type: 'string' },
        password: { title: 'Password', description: 'Password of that user.', type: 'string', writeOnly: true },
        pageSize: { title: 'Page size', type: 'integer', minimum: 1, default: 500 },
        includeResults: { title: 'Include scan results', type: 'boolean', default: true },
        severity: { title: 'Minimum severity', type: 'string', enum: ['low', 'medium', 'high'], default: 'low' },
        statuses: {
            title: 'Detection statuses',
            type: 'array',
            items: { type: 'string', enum: ['New', 'Active', 'Fixed'] },
            default: ['New', 'Active']
        },
        lookback: { title: 'Initial lookback', type: 'string', examples: ['30d', '7d'] },
        proxyUrl: { title: 'Proxy URL', description: 'May hold a password.', type: 'string', writeOnly: true },
        apiVersion: {
            title: 'API versions',
            type: 'object',
            properties: { detections: { title: 'Detection API', type: 'string', enum: ['4.0', '5.0'], default: '5.0' } }
        }
    }
} as const;

/**
 * The plugin's validation: host, username and password are required, the web console host is refused with the
 * API host suggested, and the password is reported as a secret.
 */
export function validateAcme(raw: unknown): ConfigValidation<unknown> {
    const settings = (raw ?? {}) as Record<string, unknown>;
    const problems: ConfigProblem[] = [];
    for (const name of ['host', 'username', 'password']) {
        if (typeof settings[name] !== 'string' || settings[name] === '') problems.push({ path: name, message: 'is required' });
    }
    if (settings.host === CONSOLE_HOST) {
        problems.push({
            path: 'host',
            message: `'${CONSOLE_HOST}' is the web console, not the API server`,
            hint: "use the API server 'api.eu.acme.example'"
        });
    }
    if (problems.length > 0) return { ok: false, problems };
    const secrets = [settings.password, settings.proxyUrl].filter((value): value is string => typeof value === 'string');
    return { ok: true, config: settings, secrets };
}

/** Options of {@link AdminHarness.start}. */
export interface AdminHarnessOptions {
    /** Instances of the config file (read-only in the console). */
    fileInstances?: (Partial<InstanceConfig> & Pick<InstanceConfig, 'id'>)[];
    /** `admin.secretKey`; `null` for none. Default a fixed test key. */
    secretKey?: string | null;
    admin?: Partial<Pick<AdminConfig, 'allowedHosts' | 'publicMetrics' | 'manualTriggers'>>;
    connector?: ScriptedConnectorOptions;
    /** The streams the plugin's manifest declares (default none: the single default stream). */
    streams?: { id: string; title: string; description: string }[];
    /** Start the scheduler (default true). */
    startScheduler?: boolean;
}

/** A login session: the cookies to send and the CSRF token pages carry. */
export interface BrowserSession {
    cookie: string;
    csrf: string;
}

/**
 * The admin listener's application wired to real parts, in process: the connector host over a temp SQLite state
 * store, live instances, the scheduler on a fake clock, the instance admin, the log book; requests go through
 * Fastify's `inject` (no socket). Every log line is captured.
 */
export class AdminHarness {
    private constructor(
        readonly app: FastifyInstance,
        readonly test: TestHost,
        readonly store: SqliteStateStore,
        readonly instances: LiveInstances,
        readonly admin: InstanceAdmin,
        readonly scheduler: Scheduler,
        readonly connector: ScriptedConnector,
        readonly logs: InstanceLogBook,
        readonly access: AdminAccess,
        /** Every line logged, before redaction by the output (the log book keeps redacted copies). */
        readonly captured: CapturedLoggerFactory,
        readonly dataDir: string
    ) {}

    static async start(options: AdminHarnessOptions = {}): Promise<AdminHarness> {
        const dataDir = await mkdtemp(join(tmpdir(), 'signal-admin-'));
        const store = new SqliteStateStore({ dataDir });
        const connector = new ScriptedConnector({ validateConfig: validateAcme, ...options.connector });
        const settings = adminConfig({ listen: '127.0.0.1:0', ...options.admin });
        const config = testConfig(
            (options.fileInstances ?? []).map(instance => ({
                connector: ACME,
                settings: { host: 'api.eu.acme.example', username: 'file-user', password: 'file-Pa55word-1' },
                ...instance
            })),
            { dataDir, admin: settings }
        );
        const plugin = virtualPlugin(ACME, connector, {
            configSchema: ACME_SCHEMA,
            displayName: 'Acme VM',
            ...(options.streams === undefined ? {} : { streams: options.streams })
        });
        const logs = new InstanceLogBook();
        const captured = new CapturedLoggerFactory();
        const loggerFactory = new RecordingLoggerFactory(captured, logs);
        const test = await createTestHost([plugin], config, { state: store, loggerFactory });
        const secretKey = options.secretKey === undefined ? 'a-test-secret-key-of-32-characters!' : options.secretKey;
        const box = secretKey === null ? undefined : new SecretBox(secretKey);
        const instances = new LiveInstances(test.host, store, box, test.host.logger);
        const runner = new PollRunner({ state: store, sink: test.sink, clock: test.clock, redact: text => test.host.redact(text) });
        const progress = new ProgressTracker();
        runner.addListener(progress.onPollEvent);
        const scheduler = new Scheduler(instances.schedulable(), {
            runner,
            state: store,
            clock: test.clock,
            logger: test.host.logger,
            maxConcurrentPolls: 2,
            random: () => 0.5
        });
        instances.attach(scheduler);
        const admin = new InstanceAdmin(instances, test.host, scheduler, store, loggerFactory.create({ component: 'audit' }));
        const access = new AdminAccess(ADMIN_TOKEN, { listenHost: '127.0.0.1', allowedHosts: settings.allowedHosts });
        const app = await buildAdminApp({
            logger: test.host.logger,
            settings,
            token: ADMIN_TOKEN,
            instances,
            admin,
            scheduler,
            state: store,
            metrics: test.metrics,
            catalog: () => test.host.catalog(),
            progress,
            logs,
            redactValue: value => test.host.redactValue(value),
            access,
            isReady: () => scheduler.running
        });
        if (options.startScheduler !== false) scheduler.start();
        return new AdminHarness(app, test, store, instances, admin, scheduler, connector, logs, access, captured, dataDir);
    }

    /** The audit lines so far, as `Audit: <actor> <action> <instance>` messages. */
    auditLines(): string[] {
        return this.captured.root.messages('info').filter(message => message.startsWith('Audit: '));
    }

    /** A request as an API client sends it: bearer token, our `Host`. */
    api(method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
        return this.app.inject({
            method,
            url,
            headers: { host: LISTEN_HOST, authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
            ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] })
        });
    }

    /** Logs a browser in with a one-time login code; returns its cookies and a CSRF token from a page. */
    async login(): Promise<BrowserSession> {
        const response = await this.app.inject({
            method: 'GET',
            url: `/login?code=${this.access.issueLoginCode()}`,
            headers: { host: LISTEN_HOST }
        });
        const session = cookiesOf(response);
        const page = await this.app.inject({ method: 'GET', url: '/integrations', headers: { host: LISTEN_HOST, cookie: session } });
        const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
        if (csrf === undefined) throw new Error(`no CSRF token on the page (status ${page.statusCode})`);
        return { cookie: joinCookies(session, cookiesOf(page)), csrf };
    }

    /** A form post from a logged-in browser, same-origin, with the CSRF token unless `csrf: false`. */
    submit(session: BrowserSession, url: string, fields: Record<string, string | string[]> = {}, options: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> {
        const form = new URLSearchParams();
        if (options.csrf !== false) form.append('_csrf', session.csrf);
        for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) form.append(name, item);
        return this.app.inject({
            method: 'POST',
            url,
            headers: {
                host: LISTEN_HOST,
                origin: `http://${LISTEN_HOST}`,
                cookie: session.cookie,
                'content-type': 'application/x-www-form-urlencoded',
                accept: 'text/html',
                ...options.headers
            },
            payload: form.toString()
        });
    }

    /** A page as a logged-in browser gets it. */
    page(session: BrowserSession, url: string): Promise<LightMyRequestResponse> {
        return this.app.inject({ method: 'GET', url, headers: { host: LISTEN_HOST, cookie: session.cookie, accept: 'text/html' } });
    }

    async close(): Promise<void> {
        const stopping = this.scheduler.stop({ timeoutMs: 1000 });
        await this.test.clock.runAll();
        await stopping;
        await this.app.close();
        this.store.close();
        await rm(this.dataDir, { recursive: true, force: true });
    }
}

/** `name=value; name=value` of the cookies a response sets. */
export function cookiesOf(response: LightMyRequestResponse): string {
    return response.cookies.map(cookie => `${cookie.name}=${cookie.value}`).join('; ');
}

function joinCookies(...lists: string[]): string {
    const byName = new Map<string, string>();
    for (const pair of lists.join('; ').split('; ').filter(Boolean)) byName.set(pair.split('=')[0], pair);
    return [...byName.values()].join('; ');
}
