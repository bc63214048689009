import type { LoggerFactory } from '@signal-connectors/connector-sdk';
import { AdminServer } from '../admin/admin-server.js';
import { parseListenAddress } from '../admin/listen-address.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import type { PollListener } from '../scheduler/poll-events.js';
import { PollRunner } from '../scheduler/poll-runner.js';
import { Scheduler, type StopResult } from '../scheduler/scheduler.js';
import { RuntimeMetrics } from '../metrics/runtime-metrics.js';
import { isInstanceStore } from '../state/instance-store.js';
import { loadAdminToken } from './admin-token.js';
import { InstanceAdmin } from './instance-admin.js';
import { InstanceLogBook, RecordingLoggerFactory } from './instance-log-book.js';
import { LiveInstances } from './live-instances.js';
import { ProgressTracker } from './progress-tracker.js';
import { RuntimeSession } from './runtime-session.js';
import { SecretBox } from './secret-box.js';
import { plural, ServiceError, formatProblem } from './service-error.js';

/** Options of {@link RuntimeService.start}. */
export interface RuntimeServiceOptions {
    /** The loaded (or built) config. */
    config: RuntimeConfig;
    /** Every log line goes through it; the config's secrets are registered with it before the first one. */
    loggerFactory: LoggerFactory;
    env: NodeJS.ProcessEnv;
    /** Receive every poll's events (progress displays, summaries), from the first poll on. */
    listeners?: readonly PollListener[];
    /** When the configured admin port is taken, listen on a free port instead of failing (the demo). */
    adminPortFallback?: boolean;
    /** Called once everything is composed and before the first poll (e.g. to read a checkpoint). */
    onComposed?: (session: RuntimeSession) => void | Promise<void>;
}

/**
 * The signal-client service, startable from code: the composition root. Config -> plugin discovery -> state
 * store -> sink -> containers (the host) -> instances (the file's and the console's) -> scheduler -> admin
 * listener (API and console). {@link stop} stops it in the order that loses nothing: not ready, no new polls,
 * in-flight polls stopped at a batch boundary, admin listener closed; {@link close} releases state and sink.
 */
export class RuntimeService {
    /** Every instance the service runs: the file's and the console's. */
    readonly instances: LiveInstances;
    /** What the console and the admin API do to instances. */
    readonly admin: InstanceAdmin;
    readonly scheduler: Scheduler;
    readonly runner: PollRunner;
    private closed = false;

    private constructor(
        readonly session: RuntimeSession,
        parts: ServiceParts,
        readonly logs: InstanceLogBook,
        /** Absent when the config turns the admin listener off. */
        readonly adminServer: AdminServer | undefined,
        /** Where the generated admin token is kept, if it is. */
        readonly tokenFile: string | undefined
    ) {
        this.instances = parts.instances;
        this.admin = parts.admin;
        this.scheduler = parts.scheduler;
        this.runner = parts.runner;
    }

    /**
     * Composes and starts the service. Refuses (with a {@link ServiceError}) a config whose file instances have
     * problems, or one with no instance and no console to add one in.
     */
    static async start(options: RuntimeServiceOptions): Promise<RuntimeService> {
        const { config } = options;
        const logs = new InstanceLogBook();
        const loggerFactory = new RecordingLoggerFactory(options.loggerFactory, logs);
        if (config.admin.secretKey !== undefined) loggerFactory.registerSecret(config.admin.secretKey);
        if (config.admin.token !== undefined) loggerFactory.registerSecret(config.admin.token);
        // Served on the admin API's /metrics, with the process's own (CPU, memory, event loop).
        const metrics = new RuntimeMetrics({
            logger: loggerFactory.create({ component: 'cli' }),
            processMetrics: true
        });
        const session = await RuntimeSession.open({
            config: { built: config },
            loggerFactory,
            env: options.env,
            mode: 'persistent',
            metrics
        });
        let parts: ServiceParts | undefined;
        try {
            parts = composeParts(session, metrics, options);
            await options.onComposed?.(session);
            const listener = await listenAdmin(session, parts, logs, metrics, options);
            const service = new RuntimeService(session, parts, logs, listener?.server, listener?.tokenFile);
            parts.scheduler.start();
            listener?.server.setReady(true);
            return service;
        } catch (error) {
            await parts?.scheduler.stop({ timeoutMs: 0 });
            await session.close({ force: true });
            throw error;
        }
    }

    /** The admin listener's URL, once listening. */
    get adminUrl(): string | undefined {
        return this.adminServer?.address?.url;
    }

    /** A fresh one-time login link for the console (undefined when the admin listener is off). */
    loginUrl(): string | undefined {
        return this.adminServer?.loginUrl();
    }

    /**
     * Stops: `/readyz` answers 503, no new polls start, in-flight polls stop at their next batch boundary (only
     * acknowledged batches are committed) and are waited for up to `timeoutMs`; then the admin listener closes.
     */
    async stop(timeoutMs: number): Promise<StopResult> {
        this.adminServer?.setReady(false);
        const result = await this.scheduler.stop({ timeoutMs });
        await this.adminServer?.close();
        return result;
    }

    /** Releases the sink and the state store (and the data directory's lock). With `force`, the sink is not waited for. */
    async close(options: { force?: boolean } = {}): Promise<void> {
        if (this.closed) return;
        this.closed = true;
        await this.session.close(options);
    }
}

/** The service's working parts, composed before anything listens or polls. */
interface ServiceParts {
    instances: LiveInstances;
    admin: InstanceAdmin;
    scheduler: Scheduler;
    runner: PollRunner;
}

/** Instances (the file's and the console's), the poll runner, the scheduler and what the console acts through. */
function composeParts(session: RuntimeSession, metrics: RuntimeMetrics, options: RuntimeServiceOptions): ServiceParts {
    const { host, state, sink, logger, config } = session;
    const where = config.sourcePath ?? 'the config';
    if (host.problems.length > 0) {
        throw new ServiceError(`not starting: ${where} has ${plural(host.problems.length, 'problem')}:`, {
            details: [...host.problems.map(formatProblem), 'fix them (signal-client validate lists them all), then start again']
        });
    }
    const store = isInstanceStore(state) ? state : undefined;
    const box = config.admin.secretKey === undefined ? undefined : new SecretBox(config.admin.secretKey);
    const instances = new LiveInstances(host, store, box, logger);
    if (instances.list().length === 0 && !config.admin.enabled) {
        throw new ServiceError(`not starting: ${where} configures no instances`, {
            details: ['add one under instances: (signal-client catalog lists the connectors and their settings)']
        });
    }
    const runner = new PollRunner({ state, sink, clock: host.clock, redact: text => host.redact(text) });
    runner.addListener(metrics.onPollEvent);
    for (const listener of options.listeners ?? []) runner.addListener(listener);
    metrics.trackInstances(state, () => instances.schedulable().map(i => ({ id: i.id, connector: i.connectorId })));
    const scheduler = new Scheduler(instances.schedulable(), {
        runner,
        state,
        clock: host.clock,
        logger,
        maxConcurrentPolls: config.maxConcurrentPolls
    });
    instances.attach(scheduler);
    const audit = session.loggerFactory.create({ component: 'audit' });
    const admin = new InstanceAdmin(instances, host, scheduler, state, audit);
    return { instances, admin, scheduler, runner };
}

/** Starts the admin listener (API and console) unless the config turns it off; the token is loaded or generated. */
async function listenAdmin(
    session: RuntimeSession,
    parts: ServiceParts,
    logs: InstanceLogBook,
    metrics: RuntimeMetrics,
    options: RuntimeServiceOptions
): Promise<{ server: AdminServer; tokenFile: string | undefined } | undefined> {
    const { config, logger, host, state } = session;
    if (!config.admin.enabled) return undefined;
    const token = loadAdminToken(config);
    host.loggerFactory.registerSecret(token.token);
    const progress = new ProgressTracker();
    parts.runner.addListener(progress.onPollEvent);
    const make = (listen: string): AdminServer =>
        new AdminServer({
            listen,
            logger,
            settings: config.admin,
            token: token.token,
            ...(token.path === undefined ? {} : { tokenFile: token.path }),
            instances: parts.instances,
            admin: parts.admin,
            scheduler: parts.scheduler,
            state,
            metrics,
            catalog: () => host.catalog(),
            progress,
            logs,
            redactValue: value => host.redactValue(value)
        });
    const server = await startAdmin(make, config.admin.listen, options.adminPortFallback === true, session);
    if (token.source === 'generated') logger.info(`Generated the admin token in ${token.path} (mode 0600)`);
    return { server, tokenFile: token.path };
}

/** Starts the admin listener; a taken port fails with advice, or (demo) falls back to a free port. */
async function startAdmin(
    make: (listen: string) => AdminServer,
    listen: string,
    fallback: boolean,
    session: RuntimeSession
): Promise<AdminServer> {
    try {
        const admin = make(listen);
        await admin.start();
        return admin;
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' && fallback) {
            session.logger.warn(`Admin API port ${listen} is in use; listening on a free port instead`);
            const admin = make(`${parseListenAddress(listen).host}:0`);
            await admin.start();
            return admin;
        }
        const why = code === 'EADDRINUSE' ? 'the address is in use (another signal-client?)' : (error as Error).message;
        throw new ServiceError(`the admin API cannot listen on ${listen}: ${why}`, {
            details: ['stop the other process, or set admin.listen to another address (or admin.enabled: false)'],
            cause: error
        });
    }
}
