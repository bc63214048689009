import type { Artifact, PollBatch } from '@signal-connectors/connector-sdk';
import type { QualysConfig } from '../model/index.js';
import { toQualysTime } from '../model/qualys-time.js';
import { QualysEndpoint } from '../client/qualys-api-client.js';
import { VulnerabilityFindingMapper } from '../ocsf/index.js';
import { type HostChunk, pageHostDetections } from './host-detection-pager.js';
import { planDetectionRanges } from './host-id-range-planner.js';
import { describeRanges, HostIdSample, rangeStart } from './host-id-ranges.js';
import { type ChunkHost, type HostFindingsContext, hostKeeper, mapHostFindings, qidsOf } from './host-findings.js';
import { DeliveredHosts, HostLedger } from './host-ledger.js';
import type { KnowledgeBaseEnricher, KnowledgeBaseLookup } from './knowledge-base-enricher.js';
import { mergeAsync } from './merge-async.js';
import { openDetectionWindow } from './poll-window.js';
import {
    type DetectionWindowBounds,
    type HostDetectionsCheckpoint,
    type HostIdRangeCursor,
    QualysStream
} from './qualys-checkpoint.js';
import type { QualysPollRun } from './qualys-poll-run.js';

/**
 * The `host_detections` stream: the host detection window `[watermark - overlap, poll start)` (or the window an
 * earlier poll left unfinished), in disjoint host id ranges read side by side (see `planDetectionRanges`; one
 * range reads the window sequentially), each page by page, in chunks of hosts. Each chunk, from whichever range
 * has one ready, is a batch of OCSF findings, enriched from the KnowledgeBase (whose newly fetched entries travel
 * in the same batch, and are cached only once it was delivered), with a `qualys.host` artifact for each cloud
 * host (its raw instance metadata, once). A host whose QIDs' KnowledgeBase summaries are in memory is mapped as
 * soon as it is read (see `hostKeeper`); the chunk's KnowledgeBase lookup, for the others, starts as soon as the
 * chunk is read, so KnowledgeBase calls run while earlier chunks are delivered rather than between them. Every
 * batch's checkpoint holds each range's cursor as delivered so far, so a crash resumes every range where it
 * stopped; the watermark moves, and the host id distribution the next window is split by is remembered, once every
 * range is delivered. Throws a `ConnectorError` when a page fails for good (the other ranges are stopped).
 */
export async function* pollHostDetections(
    run: QualysPollRun,
    checkpoint: HostDetectionsCheckpoint
): AsyncGenerator<PollBatch<HostDetectionsCheckpoint>> {
    const { config, ctx, tuning, summary } = run;
    const opened = openDetectionWindow(checkpoint, config, run.pollStart);
    const { window } = opened;
    summary.window = { after: window.after, before: window.before };
    const { ranges, concurrency } = await planDetectionRanges(run, checkpoint, opened.ranges);
    const resumedAt = opened.ranges?.find(range => range.done !== true)?.nextIdMin;
    if (opened.ranges !== undefined) {
        summary.resumedFrom = { nextIdMin: resumedAt, ranges: opened.ranges.map(range => ({ ...range })) };
    }
    summary.watermark = checkpoint.watermark;
    const kb = config.kbEnrichment ? run.knowledgeBase() : undefined;
    // The hosts delivered, for the host reconciliation to find those Qualys no longer lists.
    const ledger = config.hostReconciliation ? new HostLedger(ctx.store) : undefined;
    // The poll's start as Qualys writes times: when the ledger saw a host, and the time of last resort.
    const pollStarted = toQualysTime(run.pollStart);
    // The host ids delivered, from which the next window's ranges are split.
    const delivered = new HostIdSample();
    ctx.logger.info('qualys: host detection window', {
        window: summary.window,
        ranges: describeRanges(ranges),
        concurrency,
        resumedFromHostId: resumedAt
    });

    // One mapper for the window: a QID's share of its findings is built and rendered once, not once per chunk
    // (a chunk rarely holds a QID twice), as long as it is among the last QID_PARTS_KEPT.
    const mapper = new VulnerabilityFindingMapper(run.source, { maxQidParts: QID_PARTS_KEPT });
    const mapping: HostFindingsContext = {
        mapper,
        source: run.source,
        // A detection without any date, on a host without a scan time, is timed by the response.
        fallbackTime: pollStarted,
        ...(ledger === undefined ? {} : { ledgerSeen: pollStarted })
    };
    const cursors = ranges.map(range => ({ ...range }));
    const concurrencyLimit = (): number | undefined =>
        run.api.concurrencyLimit?.(QualysEndpoint.hostDetection) ?? checkpoint.concurrencyLimit;
    let current = windowCheckpoint(checkpoint, window, cursors, delivered, concurrencyLimit());
    // The ranges still to read; a failure in one stops the others through this controller.
    const stopRanges = new AbortController();
    const signal = AbortSignal.any([ctx.signal, stopRanges.signal]);
    const open = cursors.flatMap((range, index) => (range.done === true ? [] : [index]));
    // The ranges read side by side share one chunk budget: memory stays what a single range needs.
    const sharing = Math.max(1, Math.min(concurrency, open.length));
    const chunkHosts = Math.ceil(tuning.chunkHosts / sharing);
    const chunkDetections = Math.ceil(tuning.chunkDetections / sharing);
    const chunks = mergeAsync(
        open.map(index =>
            lookingUp(
                kb,
                pageHostDetections({
                    streamHostDetections: (params, callSignal) => run.api.streamHostDetections(params, callSignal),
                    baseParams: hostDetectionParams(config),
                    window,
                    idMin: rangeStart(cursors[index]),
                    idMax: cursors[index].idMax,
                    signal,
                    clock: ctx.clock,
                    logger: ctx.logger,
                    chunkHosts,
                    chunkDetections,
                    maxAttempts: tuning.maxPageAttempts,
                    onRetry: run.countRetry,
                    keep: hostKeeper(kb, mapping)
                })
            )
        ),
        () => stopRanges.abort(),
        concurrency
    );
    for await (const { source, value: read } of chunks) {
        // A page read before the abort may still be parsed from memory: hand none of it out once aborted.
        ctx.signal.throwIfAborted();
        const { chunk } = read;
        const artifacts: Artifact[] = [];
        const { summaries, artifacts: kbArtifacts, persist } = await read.lookup;
        artifacts.push(...kbArtifacts);
        const deliveredHosts = ledger === undefined ? undefined : new DeliveredHosts(pollStarted);
        for (const { findings, parsed } of chunk.hosts) {
            if (findings !== undefined) {
                artifacts.push(...findings.artifacts);
                if (findings.delivered !== undefined) deliveredHosts?.absorb(findings.delivered);
                delivered.add(findings.hostId);
            } else {
                mapHostFindings(parsed, summaries, chunk.responseTime, mapping, artifacts, deliveredHosts);
                delivered.add(parsed.host.id);
            }
        }
        summary.hosts += chunk.hosts.length;
        summary.detections += chunk.detections;
        if (chunk.pageDone) {
            summary.pages += 1;
            ctx.logger.debug('qualys: fetched host detection page', { page: chunk.page, hosts: summary.hosts });
        }
        const index = open[source];
        const { nextIdMin: _delivered, ...range } = cursors[index];
        cursors[index] = chunk.windowDone ? { ...range, done: true } : { ...range, nextIdMin: chunk.resumeFrom };
        current = windowCheckpoint(checkpoint, window, cursors, delivered, concurrencyLimit());
        yield { stream: QualysStream.hostDetections, artifacts, checkpoint: current, progress: run.progress() };
        await persist();
        if (deliveredHosts !== undefined) await ledger?.record(deliveredHosts);
    }
    ctx.logger.info('qualys: fetched host detections', {
        pages: summary.pages,
        hosts: summary.hosts,
        detections: summary.detections,
        window: summary.window,
        ranges: cursors.length
    });
    summary.nextWatermark = current.watermark;
}

/**
 * QID parts a window's mapper keeps for reuse. Each is about 6 KB (the vulnerability, analytic and KnowledgeBase
 * parts with their rendered text), so this bounds the cache near 3 MB on any tenant.
 */
const QID_PARTS_KEPT = 500;

/** A chunk of hosts, and the lookup of the KnowledgeBase entries its hosts not mapped yet refer to. */
interface LookedUpChunk {
    chunk: HostChunk<ChunkHost>;
    lookup: Promise<KnowledgeBaseLookup>;
}

const NO_LOOKUP: Promise<KnowledgeBaseLookup> = Promise.resolve({
    summaries: new Map(),
    artifacts: [],
    persist: async () => undefined
});

/**
 * The chunks of one range, each with its KnowledgeBase lookup already started as it is read: the lookup runs
 * while earlier chunks are delivered, instead of after them. Lookups start in the order the chunks are read,
 * which is the order they are delivered in (the enricher's contract). A failed lookup fails where it is awaited.
 */
async function* lookingUp(
    kb: KnowledgeBaseEnricher | undefined,
    chunks: AsyncGenerator<HostChunk<ChunkHost>>
): AsyncGenerator<LookedUpChunk> {
    for await (const chunk of chunks) {
        if (kb === undefined) {
            yield { chunk, lookup: NO_LOOKUP };
            continue;
        }
        const lookup = kb.resolve(chunk.hosts.flatMap(({ parsed }) => (parsed === undefined ? [] : qidsOf(parsed))));
        // Handled where the chunk is delivered; until then, a failure must not count as unhandled.
        lookup.catch(() => undefined);
        yield { chunk, lookup };
    }
}

/**
 * The checkpoint after the chunks delivered so far: the window with every range's cursor while a range is left,
 * else the new watermark with the host ids the window delivered (those of an earlier, resumed poll are not
 * counted: the sample is a guide for splitting, not a record); and the concurrency limit, once known.
 */
function windowCheckpoint(
    previous: HostDetectionsCheckpoint,
    window: DetectionWindowBounds,
    cursors: readonly HostIdRangeCursor[],
    delivered: HostIdSample,
    concurrencyLimit: number | undefined
): HostDetectionsCheckpoint {
    const limit = concurrencyLimit === undefined ? {} : { concurrencyLimit };
    if (cursors.every(range => range.done === true)) {
        return { version: 3, watermark: window.before, hostIds: delivered.distribution(), ...limit };
    }
    return {
        version: 3,
        ...(previous.watermark === undefined ? {} : { watermark: previous.watermark }),
        window: { ...window, ranges: cursors.map(range => ({ ...range })) },
        ...(previous.hostIds === undefined ? {} : { hostIds: previous.hostIds }),
        ...limit
    };
}

/** The host detection request parameters other than the window and the `id_min` cursor. */
export function hostDetectionParams(config: QualysConfig): Record<string, string> {
    return {
        truncation_limit: String(config.truncationLimit),
        status: config.statuses.join(','),
        show_results: config.includeResults ? '1' : '0',
        show_igs: config.includeInformationGathered ? '1' : '0',
        show_reopened_info: '1',
        show_tags: '1',
        show_asset_id: '1',
        ...(config.qds ? { show_qds: '1', show_qds_factors: '1' } : {}),
        ...(config.cloudMetadata ? { host_metadata: 'all', show_cloud_tags: '1' } : {})
    };
}
