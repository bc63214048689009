import type { Readable } from 'node:stream';
import {
    type Artifact,
    type ArtifactSource,
    ConnectorError,
    DEFAULT_STREAM_ID,
    type PollBatch,
    type PollContext,
    type PollItem
} from '@signal-connectors/connector-sdk';
import type { QualysConfig } from '../model/index.js';
import { mapDetection, mapRunSummary, type RunSummary } from '../ocsf/index.js';
import { pageHostDetections } from './host-detection-pager.js';
import { KnowledgeBaseEnricher } from './knowledge-base-enricher.js';
import { openDetectionWindow } from './poll-window.js';
import { type QualysCheckpoint, readCheckpoint } from './qualys-checkpoint.js';
import { fromQualysTime, toQualysTime } from '../model/qualys-time.js';
import { collectScans } from './scan-collector.js';

/** The Qualys calls a poll makes, and the call statistics for its run summary. */
export interface QualysPollApi {
    streamHostDetections(params: Record<string, string>, signal?: AbortSignal): Promise<Readable>;
    fetchKnowledgeBase(params: Record<string, string>, signal?: AbortSignal): Promise<string>;
    fetchScanList(params: Record<string, string>, signal?: AbortSignal): Promise<string>;
    callStats(): { calls: Record<string, number>; throttled: number; retries: number };
}

/** Tuning of one poll; the defaults keep memory flat on any tenant size. */
export interface PollTuning {
    chunkHosts: number;
    chunkDetections: number;
    maxPageAttempts: number;
    kbRefreshEveryMs: number;
}

const DEFAULT_TUNING: PollTuning = {
    chunkHosts: 200,
    chunkDetections: 2000,
    maxPageAttempts: 4,
    kbRefreshEveryMs: 6 * 3_600_000
};

/**
 * One poll of a Qualys instance: KnowledgeBase refresh, scans, then the host detection window, then a run
 * summary. Every batch carries a checkpoint from which a new poll continues with nothing lost.
 */
export async function* pollQualys(
    config: QualysConfig,
    rawCheckpoint: unknown,
    ctx: PollContext,
    api: QualysPollApi,
    tuning: Partial<PollTuning> = {}
): AsyncGenerator<PollItem<QualysCheckpoint>> {
    // Everything is one stream, `default`, until the poll is split into streams.
    for await (const batch of pollOneCheckpoint(config, rawCheckpoint, ctx, api, tuning)) {
        yield { stream: DEFAULT_STREAM_ID, ...batch };
    }
    yield { stream: DEFAULT_STREAM_ID, status: 'complete' };
}

async function* pollOneCheckpoint(
    config: QualysConfig,
    rawCheckpoint: unknown,
    ctx: PollContext,
    api: QualysPollApi,
    tuning: Partial<PollTuning>
): AsyncGenerator<Omit<PollBatch<QualysCheckpoint>, 'stream'>> {
    const tune = { ...DEFAULT_TUNING, ...tuning };
    const source: ArtifactSource = { connector: ctx.connectorId, instance: ctx.instanceId };
    const pollStart = ctx.clock.now();
    let checkpoint = readCheckpoint(rawCheckpoint);
    const { window, resumed } = openDetectionWindow(checkpoint, config, pollStart);
    const summary: RunSummary = {
        runId: ctx.runId,
        startedAt: new Date(pollStart).toISOString(),
        finishedAt: '',
        durationMs: 0,
        outcome: 'complete',
        window: { after: window.after, before: window.before },
        resumedFrom: resumed ? { nextIdMin: window.nextIdMin } : undefined,
        pages: 0,
        hosts: 0,
        detections: 0,
        knowledgeBase: { fetched: 0, cached: 0, artifacts: 0 },
        scans: 0,
        apiCalls: {},
        throttled: 0,
        retries: 0,
        watermark: checkpoint.detectionWatermark
    };
    // Pages, KnowledgeBase batches and scan lists read again after a failure; HTTP-level retries come on top.
    let callRetries = 0;
    const countRetry = (): void => {
        callRetries += 1;
    };
    const kb = new KnowledgeBaseEnricher({
        fetchKnowledgeBase: (params, signal) => api.fetchKnowledgeBase(params, signal),
        store: ctx.pluginStore,
        // One cache per subscription (API server + user), the same key as the shared rate limiter: a subscription
        // may customise its KnowledgeBase, and its instances need each entry's long texts only once.
        keyPrefix: `kb:${new URL(config.baseUrl).host}:${config.username.toLowerCase()}`,
        source,
        signal: ctx.signal,
        logger: ctx.logger,
        clock: ctx.clock,
        onRetry: countRetry
    });
    const progress = (): Record<string, number> => ({
        pages: summary.pages,
        hosts: summary.hosts,
        detections: summary.detections,
        rateLimitWaits: api.callStats().throttled
    });
    ctx.logger.info('qualys: poll started', { window: summary.window, resumedFromHostId: window.nextIdMin });

    try {
        if (config.kbEnrichment && isRefreshDue(checkpoint.kbRefreshedAt, pollStart, tune.kbRefreshEveryMs)) {
            const artifacts = checkpoint.kbRefreshedAt ? await kb.refresh(checkpoint.kbRefreshedAt) : [];
            checkpoint = { ...checkpoint, kbRefreshedAt: toQualysTime(pollStart) };
            yield { artifacts, checkpoint, progress: progress() };
            await kb.persist();
        }

        if (config.scans) {
            const scans = await collectScans({
                fetchScanList: (params, signal) => api.fetchScanList(params, signal),
                checkpoint,
                pollStart,
                overlapMs: config.windowOverlapMs,
                initialLookbackMs: config.initialLookbackMs,
                source,
                signal: ctx.signal,
                clock: ctx.clock,
                logger: ctx.logger,
                onRetry: countRetry
            });
            summary.scans = scans.artifacts.length;
            checkpoint = { ...checkpoint, scansSince: scans.scansSince, scanStates: scans.scanStates };
            yield { artifacts: scans.artifacts, checkpoint, progress: progress() };
        }

        checkpoint = { ...checkpoint, window };
        const chunks = pageHostDetections({
            streamHostDetections: (params, signal) => api.streamHostDetections(params, signal),
            baseParams: hostDetectionParams(config),
            window,
            signal: ctx.signal,
            clock: ctx.clock,
            logger: ctx.logger,
            chunkHosts: tune.chunkHosts,
            chunkDetections: tune.chunkDetections,
            maxAttempts: tune.maxPageAttempts,
            onRetry: countRetry
        });
        for await (const chunk of chunks) {
            // A page read before the abort may still be parsed from memory: hand none of it out once aborted.
            ctx.signal.throwIfAborted();
            const artifacts: Artifact[] = [];
            const qids = chunk.hosts.flatMap(parsed => parsed.detections.map(detection => detection.qid));
            const { summaries, artifacts: kbArtifacts } = config.kbEnrichment
                ? await kb.resolve(qids)
                : { summaries: new Map(), artifacts: [] };
            artifacts.push(...kbArtifacts);
            for (const { host, detections } of chunk.hosts) {
                for (const detection of detections) {
                    artifacts.push(mapDetection(host, detection, summaries.get(detection.qid), source));
                }
            }
            summary.hosts += chunk.hosts.length;
            summary.detections += chunk.detections;
            if (chunk.pageDone) {
                summary.pages += 1;
                ctx.logger.debug('qualys: fetched host detection page', { page: chunk.page, hosts: summary.hosts });
            }
            checkpoint = chunk.windowDone
                ? { ...checkpoint, detectionWatermark: window.before, window: undefined }
                : { ...checkpoint, window: { ...window, nextIdMin: chunk.resumeFrom } };
            yield { artifacts, checkpoint, progress: progress() };
            await kb.persist();
        }
        ctx.logger.info('qualys: fetched host detections', {
            pages: summary.pages,
            hosts: summary.hosts,
            detections: summary.detections,
            window: summary.window
        });
        summary.nextWatermark = checkpoint.detectionWatermark;
    } catch (error) {
        if (ctx.signal.aborted) throw error;
        summary.outcome = 'failed';
        const failure = ConnectorError.is(error)
            ? error
            : new ConnectorError('transient', String(error), { cause: error });
        summary.error = { kind: failure.kind, message: failure.message };
        ctx.logger.error('qualys: poll failed', { error: failure, hostsDelivered: summary.hosts });
        yield { artifacts: [finishSummary(summary, ctx, api, kb, source, callRetries)], checkpoint, progress: progress() };
        // A poll fails with a ConnectorError, whatever failed: the host decides on retries by its kind.
        throw failure;
    }
    yield { artifacts: [finishSummary(summary, ctx, api, kb, source, callRetries)], checkpoint, progress: progress() };
}

/** The host detection request parameters other than the window and the `id_min` cursor. */
export function hostDetectionParams(config: QualysConfig): Record<string, string> {
    return {
        truncation_limit: String(config.truncationLimit),
        status: config.statuses.join(','),
        show_results: config.includeResults ? '1' : '0',
        show_igs: config.includeInformationGathered ? '1' : '0',
        show_reopened_info: '1',
        show_qds: '1',
        show_qds_factors: '1',
        show_tags: '1',
        show_asset_id: '1'
    };
}

function isRefreshDue(last: string | undefined, now: number, everyMs: number): boolean {
    const lastMs = fromQualysTime(last);
    return lastMs === undefined || now - lastMs >= everyMs;
}

function finishSummary(
    summary: RunSummary,
    ctx: PollContext,
    api: QualysPollApi,
    kb: KnowledgeBaseEnricher,
    source: ArtifactSource,
    callRetries: number
): Artifact {
    const finished = ctx.clock.now();
    const stats = api.callStats();
    summary.finishedAt = new Date(finished).toISOString();
    summary.durationMs = finished - Date.parse(summary.startedAt);
    summary.apiCalls = stats.calls;
    summary.throttled = stats.throttled;
    summary.retries = stats.retries + callRetries;
    summary.knowledgeBase = { ...kb.stats };
    ctx.metrics.increment('detections_total', {}, summary.detections);
    ctx.metrics.increment('hosts_total', {}, summary.hosts);
    return mapRunSummary(summary, source);
}
