import type { Readable } from 'node:stream';
import type { Artifact, ArtifactSource, PollContext, StreamStatus } from '@signal-connectors/connector-sdk';
import type { QualysConfig } from '../model/index.js';
import { mapRunSummary, type RunSummary } from '../ocsf/index.js';
import { KnowledgeBaseEnricher } from './knowledge-base-enricher.js';

/** The Qualys calls a poll makes, and the call statistics for its run summary. */
export interface QualysPollApi {
    streamHostDetections(params: Record<string, string>, signal?: AbortSignal): Promise<Readable>;
    fetchKnowledgeBase(params: Record<string, string>, signal?: AbortSignal): Promise<string>;
    fetchScanList(params: Record<string, string>, signal?: AbortSignal): Promise<string>;
    fetchHostList(params: Record<string, string>, signal?: AbortSignal): Promise<string>;
    /**
     * Concurrent calls the subscription grants `endpoint` (Qualys' `X-Concurrency-Limit-Limit`, as the limiter
     * shared by every instance of the subscription learnt it); undefined until Qualys has said it.
     */
    concurrencyLimit?(endpoint: string): number | undefined;
    callStats(): { calls: Record<string, number>; throttled: number; retries: number };
}

/** Tuning of one poll; the defaults keep memory flat on any tenant size. */
export interface PollTuning {
    /** A chunk of host detections (one batch) closes at this many hosts... */
    chunkHosts: number;
    /** ...or at this many detections, whichever comes first. */
    chunkDetections: number;
    /** Attempts per host detection page. */
    maxPageAttempts: number;
    /** How often cached KnowledgeBase entries are refreshed. */
    kbRefreshEveryMs: number;
    /** How long after its launch a scan that never settles may hold the scan window back (default 7 days). */
    maxUnsettledScanMs: number;
    /** Host ids per Host List page of a reconciliation (`truncation_limit`; ids only, a few bytes each). */
    hostListPageSize: number;
    /** A reconciliation batch closes at this many artifacts (a removed host's closing updates are never split). */
    reconciliationBatchArtifacts: number;
    /** A detection window is split into host id ranges read side by side only when each holds this many hosts. */
    minHostsPerRange: number;
}

export const DEFAULT_TUNING: Readonly<PollTuning> = {
    chunkHosts: 100,
    // 250 was measured too (`npm run bench`): 159-166 MB peak against 192-198, but 10-25% slower (four times the
    // fsync waits) and three times the KnowledgeBase calls on a cold cache (each chunk fetches its new QIDs). The
    // lower peak comes from the garbage collector working during those waits: sharing one fsync among several small
    // batches brought back the speed and the peak alike.
    chunkDetections: 1000,
    maxPageAttempts: 4,
    kbRefreshEveryMs: 6 * 3_600_000,
    maxUnsettledScanMs: 7 * 86_400_000,
    hostListPageSize: 25_000,
    reconciliationBatchArtifacts: 2000,
    minHostsPerRange: 500
};

/**
 * What the streams of one poll share: the config, the context, the API client, the tuning, and the run's
 * record, from which the run summary is made. Each stream writes its own part of the record.
 */
export class QualysPollRun {
    readonly source: ArtifactSource;
    /** When the poll started (ms): the end of a new detection window, the time of a KnowledgeBase refresh. */
    readonly pollStart: number;
    readonly summary: RunSummary;
    private callRetries = 0;
    private readonly enrichers: KnowledgeBaseEnricher[] = [];

    constructor(
        readonly config: QualysConfig,
        readonly ctx: PollContext,
        readonly api: QualysPollApi,
        readonly tuning: PollTuning
    ) {
        this.source = { connector: ctx.connectorId, instance: ctx.instanceId };
        this.pollStart = ctx.clock.now();
        this.summary = {
            runId: ctx.runId,
            startedAt: new Date(this.pollStart).toISOString(),
            finishedAt: '',
            durationMs: 0,
            outcome: 'complete',
            streams: {},
            pages: 0,
            hosts: 0,
            detections: 0,
            knowledgeBase: { fetched: 0, cached: 0, artifacts: 0 },
            scans: 0,
            apiCalls: {},
            throttled: 0,
            retries: 0
        };
    }

    /** Counts a page, KnowledgeBase batch or scan list read again after a failure (HTTP retries come on top). */
    readonly countRetry = (): void => {
        this.callRetries += 1;
    };

    /** The progress counters every batch carries. */
    progress(): Record<string, number> {
        return {
            pages: this.summary.pages,
            hosts: this.summary.hosts,
            detections: this.summary.detections,
            rateLimitWaits: this.api.callStats().throttled
        };
    }

    /**
     * A KnowledgeBase enricher for one stream. Each stream has its own, so that each writes the cache only after
     * its own batches were delivered; they share the cache through the plugin store. One cache per subscription
     * (API server + user), the same key as the shared rate limiter: a subscription may customise its
     * KnowledgeBase, and its instances need each entry's long texts only once.
     */
    knowledgeBase(): KnowledgeBaseEnricher {
        const { config, ctx } = this;
        const enricher = new KnowledgeBaseEnricher({
            fetchKnowledgeBase: (params, signal) => this.api.fetchKnowledgeBase(params, signal),
            store: ctx.pluginStore,
            keyPrefix: `kb:${new URL(config.baseUrl).host}:${config.username.toLowerCase()}`,
            source: this.source,
            signal: ctx.signal,
            logger: ctx.logger,
            clock: ctx.clock,
            onRetry: this.countRetry
        });
        this.enrichers.push(enricher);
        return enricher;
    }

    /** Takes a stream's status into the summary. */
    recordStatus(status: StreamStatus): void {
        if (status.status === 'complete') {
            this.summary.streams[status.stream] = { outcome: 'complete' };
            return;
        }
        const error = { kind: status.error.kind, message: status.error.message };
        this.summary.streams[status.stream] = { outcome: 'failed', error };
        this.summary.error ??= { kind: error.kind, message: `stream '${status.stream}' failed: ${error.message}` };
    }

    /** Notes a stream the config turns off. */
    skip(stream: string): void {
        this.summary.streams[stream] = { outcome: 'skipped' };
    }

    /** The run summary artifact, as the poll ends; also reports the poll's totals as metrics. */
    finish(): Artifact {
        const { ctx, summary } = this;
        const finished = ctx.clock.now();
        const stats = this.api.callStats();
        const outcomes = Object.values(summary.streams).map(stream => stream.outcome);
        const failed = outcomes.filter(outcome => outcome === 'failed').length;
        const completed = outcomes.filter(outcome => outcome === 'complete').length;
        summary.outcome = failed === 0 ? 'complete' : completed === 0 ? 'failed' : 'partial';
        summary.finishedAt = new Date(finished).toISOString();
        summary.durationMs = finished - this.pollStart;
        summary.apiCalls = stats.calls;
        summary.throttled = stats.throttled;
        summary.retries = stats.retries + this.callRetries;
        summary.knowledgeBase = { fetched: 0, cached: 0, artifacts: 0 };
        for (const { stats: kb } of this.enrichers) {
            summary.knowledgeBase.fetched += kb.fetched;
            summary.knowledgeBase.cached += kb.cached;
            summary.knowledgeBase.artifacts += kb.artifacts;
        }
        ctx.metrics.increment('detections_total', {}, summary.detections);
        ctx.metrics.increment('hosts_total', {}, summary.hosts);
        return mapRunSummary(summary, this.source);
    }
}
