import {
    type Artifact,
    ConnectorError,
    GotHttpClientFactory,
    isStreamStatus,
    type PollBatch,
    type PollContext,
    type PollItem,
    type StreamCheckpoints,
    type StreamStatus
} from '@signal-connectors/connector-sdk';
import {
    CapturedLogger,
    createTestContext,
    FakeClock,
    InMemoryKeyValueStore,
    RecordingMetrics
} from '@signal-connectors/connector-sdk/testing';
import { QualysApiClient } from '../client/qualys-api-client.js';
import { SubscriptionLimiterRegistry } from '../client/subscription-limiter-registry.js';
import { validateQualysConfig } from '../config/qualys-config-validator.js';
import type { QualysConfig } from '../model/index.js';
import { KNOWLEDGE_BASE_ARTIFACT_TYPE, RUN_SUMMARY_ARTIFACT_TYPE, type RunSummary } from '../ocsf/index.js';
import { type HostDetectionsCheckpoint, QualysStream } from '../poll/qualys-checkpoint.js';
import { type PollTuning, pollQualys } from '../poll/qualys-poller.js';
import { QUALYS_HOST } from './fake-qualys.js';

/** The user name of the scripted subscription. */
export const USERNAME = 'acme_ab12';
/** A password distinctive enough that finding it anywhere is a leak, not a coincidence. */
export const PASSWORD = 'Qu4lys-S3cret!pw';
/** The connector id artifacts carry. */
export const CONNECTOR_ID = 'signal-client.qualys';

/**
 * A validated config for the scripted subscription. Scans, KnowledgeBase enrichment and the host reconciliation
 * are off unless a spec turns them on, and host detections are read in one range (`maxConcurrentPages: 1`, no
 * host list call to split the window), so each spec scripts only the API it is about.
 */
export function testConfig(settings: Record<string, unknown> = {}): QualysConfig {
    const result = validateQualysConfig({
        host: QUALYS_HOST,
        username: USERNAME,
        password: PASSWORD,
        scans: false,
        kbEnrichment: false,
        hostReconciliation: false,
        maxConcurrentPages: 1,
        ...settings
    });
    if (!result.ok) throw new Error(`bad test config: ${JSON.stringify(result.problems)}`);
    return result.config;
}

/**
 * A validated config for a sandbox on loopback: its address and user, `password`, and `settings` over Qualys'
 * defaults (every stream on). Throws on settings the validator refuses.
 */
export function sandboxConfig(
    sandbox: { url: string; credentials: { username: string } },
    password: string,
    settings: Record<string, unknown> = {}
): QualysConfig {
    const result = validateQualysConfig({
        host: sandbox.url,
        username: sandbox.credentials.username,
        password,
        ...settings
    });
    if (!result.ok) throw new Error(`bad sandbox config: ${JSON.stringify(result.problems)}`);
    return result.config;
}

/** A poll context whose clock, log, plugin store, metrics and abort controller a spec can reach. */
export interface PollHarness {
    ctx: PollContext;
    clock: FakeClock;
    logger: CapturedLogger;
    metrics: RecordingMetrics;
    pluginStore: InMemoryKeyValueStore;
    controller: AbortController;
}

/** Options of {@link pollHarness}. */
export interface PollHarnessOptions {
    /** A clock to share between harnesses (two instances on one limiter); else a new one. */
    clock?: FakeClock;
    /** Start time of a new clock (default 2024-05-14T10:00:00Z, after the scripted data's dates). */
    now?: string;
    /** Whether a new clock resolves sleeps at once (default true). */
    autoAdvance?: boolean;
    /** The plugin store, to carry the KnowledgeBase cache from one poll to the next. */
    pluginStore?: InMemoryKeyValueStore;
    instanceId?: string;
}

/**
 * A poll context on a {@link FakeClock} (auto-advancing by default, so backoff and throttle waits take no real
 * time but move the fake time exactly), a {@link CapturedLogger}, an in-memory plugin store and recorded
 * metrics. HTTP goes through the real got client, on the same clock, with fixed jitter.
 */
export function pollHarness(options: PollHarnessOptions = {}): PollHarness {
    const clock =
        options.clock ??
        new FakeClock({ now: options.now ?? '2024-05-14T10:00:00Z', autoAdvance: options.autoAdvance ?? true });
    const instanceId = options.instanceId ?? 'qualys-test';
    const logger = new CapturedLogger({ connector: CONNECTOR_ID, instance: instanceId });
    const metrics = new RecordingMetrics();
    const pluginStore = options.pluginStore ?? new InMemoryKeyValueStore();
    const controller = new AbortController();
    const ctx = createTestContext({
        connectorId: CONNECTOR_ID,
        instanceId,
        clock,
        logger,
        metrics,
        pluginStore,
        signal: controller.signal,
        http: new GotHttpClientFactory({ clock, random: () => 0.5 }),
        runId: 'run-1'
    });
    return { ctx, clock, logger, metrics, pluginStore, controller };
}

/**
 * The API client a connector poll makes (see `QualysConnector.poll`), for specs that call `pollQualys` directly
 * to pass tuning: on the harness's clock and, when given, the registry's shared limiter.
 */
export function qualysApi(
    config: QualysConfig,
    h: PollHarness,
    registry?: SubscriptionLimiterRegistry
): QualysApiClient {
    return new QualysApiClient(config, {
        http: h.ctx.http,
        logger: h.ctx.logger,
        rateLimitPolicy: registry?.forSubscription(config.baseUrl, config.username),
        limits: registry?.forSubscription(config.baseUrl, config.username),
        clock: h.clock,
        timeoutSeconds: config.timeoutSeconds
    });
}

/** A registry of shared limiters on a fake clock, as the plugin's container would hold one. */
export function limiterRegistry(clock: FakeClock): SubscriptionLimiterRegistry {
    return new SubscriptionLimiterRegistry(clock);
}

/** `pollQualys` with a fresh client for `config` (and the registry's limiter, if any), from `checkpoints`. */
export function startPoll(
    config: QualysConfig,
    checkpoints: StreamCheckpoints | undefined,
    h: PollHarness,
    tuning: Partial<PollTuning> = {},
    registry?: SubscriptionLimiterRegistry
): AsyncGenerator<PollItem> {
    return pollQualys(config, checkpoints ?? {}, h.ctx, qualysApi(config, h, registry), tuning);
}

/** What a poll yielded before it ended, and how it ended. */
export interface PollOutcome {
    /** Every item, in order. */
    items: PollItem[];
    /** The batches among them. */
    batches: PollBatch[];
    /** The status each stream reported, by stream id. */
    statuses: Record<string, StreamStatus>;
    /** The first failure: what the poll threw, else the error of the first stream that failed. */
    error?: unknown;
}

/** Runs a poll to its end, keeping what it yielded and catching what it threw. */
export async function drain(poll: AsyncIterable<PollItem>): Promise<PollOutcome> {
    const items: PollItem[] = [];
    let thrown: unknown;
    try {
        for await (const item of poll) items.push(item);
    } catch (error) {
        thrown = error ?? new Error('the poll threw undefined');
    }
    const statuses = Object.fromEntries(items.filter(isStreamStatus).map(status => [status.stream, status]));
    const failure = items.find((item): item is StreamStatus & { status: 'failed' } =>
        isStreamStatus(item) ? item.status === 'failed' : false
    );
    const error = thrown ?? failure?.error;
    return { items, batches: batchesOf(items), statuses, ...(error === undefined ? {} : { error }) };
}

/** The error the poll failed with (or, given a stream, that stream's), which must be a ConnectorError. */
export function pollError(outcome: PollOutcome, stream?: string): ConnectorError {
    const status = stream === undefined ? undefined : outcome.statuses[stream];
    const error = stream === undefined ? outcome.error : status?.status === 'failed' ? status.error : undefined;
    if (!ConnectorError.is(error)) {
        throw new Error(`expected ${stream ?? 'the poll'} to fail with a ConnectorError, got ${String(error)}`);
    }
    return error;
}

/** The batches among a poll's items. */
export function batchesOf(items: readonly PollItem[]): PollBatch[] {
    return items.filter((item): item is PollBatch => !isStreamStatus(item));
}

/** Every artifact of the batches among `items`, in order. */
export function artifactsOf(items: readonly PollItem[], type?: string): Artifact[] {
    return batchesOf(items)
        .flatMap(batch => batch.artifacts)
        .filter(artifact => type === undefined || artifact.type === type);
}

/** `hostId:UNIQUE_VULN_ID` of every finding delivered, sorted (duplicates kept, so they show). */
export function detectionKeys(items: readonly PollItem[]): string[] {
    return artifactsOf(items, 'ocsf.vulnerability_finding')
        .map(artifact => {
            const data = artifact.data as { device: { uid: string }; finding_info: { uid_alt?: string } };
            return `${data.device.uid}:${data.finding_info.uid_alt}`;
        })
        .sort();
}

/** `hostId:qid` of every finding delivered, in order. */
export function findingKeys(items: readonly PollItem[]): string[] {
    return artifactsOf(items, 'ocsf.vulnerability_finding').map(artifact => {
        const data = artifact.data as { device: { uid: string }; finding_info: { analytic: { uid: string } } };
        return `${data.device.uid}:${data.finding_info.analytic.uid}`;
    });
}

/** The KnowledgeBase artifacts delivered. */
export function kbArtifacts(items: readonly PollItem[]): Artifact[] {
    return artifactsOf(items, KNOWLEDGE_BASE_ARTIFACT_TYPE);
}

/** The run summary of a poll (its last artifact); fails when there is none. */
export function runSummaryOf(items: readonly PollItem[]): RunSummary {
    const summaries = artifactsOf(items, RUN_SUMMARY_ARTIFACT_TYPE);
    if (summaries.length !== 1) throw new Error(`expected one run summary, found ${summaries.length}`);
    return summaries[0].data as RunSummary;
}

/** The checkpoint of the last batch of a stream (default `host_detections`). */
export function lastCheckpoint<T = HostDetectionsCheckpoint>(
    items: readonly PollItem[],
    stream: string = QualysStream.hostDetections
): T {
    const last = batchesOf(items)
        .filter(batch => batch.stream === stream)
        .at(-1);
    if (last === undefined) throw new Error(`the poll yielded no batch of ${stream}`);
    return last.checkpoint as T;
}

/** The last checkpoint of every stream, as the host would hand them to the next poll (through JSON). */
export function checkpointsAfter(items: readonly PollItem[], before: StreamCheckpoints = {}): StreamCheckpoints {
    const checkpoints: Record<string, unknown> = { ...before };
    for (const batch of batchesOf(items)) checkpoints[batch.stream] = batch.checkpoint;
    return JSON.parse(JSON.stringify(checkpoints)) as StreamCheckpoints;
}

/**
 * Waits (in real time, briefly) until `condition` holds: for a poll running in the background to reach a
 * point, e.g. a throttle wait on a non-advancing fake clock. Fails after `timeoutMs`.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!condition()) {
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise(resolve => setTimeout(resolve, 1));
    }
}
