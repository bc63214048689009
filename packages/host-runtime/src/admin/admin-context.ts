import type { Logger } from '@signal-connectors/connector-sdk';
import type { AdminConfig } from '../config/runtime-config.js';
import type { CatalogEntry } from '../discovery/catalog.js';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { InstanceAdmin } from '../service/instance-admin.js';
import type { InstanceLogBook } from '../service/instance-log-book.js';
import type { LiveInstances } from '../service/live-instances.js';
import type { ProgressTracker } from '../service/progress-tracker.js';
import type { StateStore } from '../state/state-store.js';
import { describeInstance, type InstanceView } from './instance-view.js';

/** What the admin pages and API show and act on: the service's parts. */
export interface AdminContext {
    logger: Logger;
    settings: Pick<AdminConfig, 'allowedHosts' | 'publicMetrics' | 'manualTriggers'>;
    /** The admin token (API clients send it as a bearer token; the login form takes it). */
    token: string;
    /** Where the token is kept, to tell a person on the login page. */
    tokenFile?: string;
    instances: LiveInstances;
    admin: InstanceAdmin;
    scheduler: Pick<Scheduler, 'status'>;
    state: Pick<StateStore, 'getStatus' | 'recentRuns'>;
    metrics: Pick<RuntimeMetrics, 'text' | 'contentType'>;
    catalog: () => CatalogEntry[];
    progress: ProgressTracker;
    logs: InstanceLogBook;
    /** Scrubs registered secrets from anything shown (a last guard: views hold none). */
    redactValue: <T>(value: T) => T;
}

/** The admin listener: where it listens, and what it serves. */
export interface AdminServerOptions extends AdminContext {
    /** `host:port`; port 0 picks a free one. */
    listen: string;
}

/** Every instance's view, in registry order. */
export function instanceViews(options: AdminContext): InstanceView[] {
    return options.instances.list().map(live => instanceView(options, live.id)!);
}

/** One instance's view, or undefined when there is no such instance. */
export function instanceView(options: AdminContext, id: string): InstanceView | undefined {
    const live = options.instances.get(id);
    if (live === undefined) return undefined;
    return options.redactValue(
        describeInstance(live, options.scheduler.status(id), options.state, options.progress.of(id))
    );
}
