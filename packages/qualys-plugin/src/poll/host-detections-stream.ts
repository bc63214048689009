import type { Artifact, PollBatch } from '@signal-connectors/connector-sdk';
import type { QualysConfig } from '../model/index.js';
import { toQualysTime } from '../model/qualys-time.js';
import { mapHostArtifact, VulnerabilityFindingMapper } from '../ocsf/index.js';
import { pageHostDetections } from './host-detection-pager.js';
import { HostLedger } from './host-ledger.js';
import { openDetectionWindow } from './poll-window.js';
import { type HostDetectionsCheckpoint, QualysStream } from './qualys-checkpoint.js';
import type { QualysPollRun } from './qualys-poll-run.js';

/**
 * The `host_detections` stream: the host detection window `[watermark - overlap, poll start)` (or the window an
 * earlier poll left unfinished), page by page, in chunks of hosts. Each chunk is a batch of OCSF findings,
 * enriched from the KnowledgeBase (whose newly fetched entries travel in the same batch, and are cached only once
 * it was delivered), with a `qualys.host` artifact for each cloud host (its raw instance metadata, once), and a
 * checkpoint at the next host to deliver; the watermark moves once the whole window is
 * delivered. Throws a `ConnectorError` when a page fails for good.
 */
export async function* pollHostDetections(
    run: QualysPollRun,
    checkpoint: HostDetectionsCheckpoint
): AsyncGenerator<PollBatch<HostDetectionsCheckpoint>> {
    const { config, ctx, tuning, summary } = run;
    const { window, resumed } = openDetectionWindow(checkpoint, config, run.pollStart);
    summary.window = { after: window.after, before: window.before };
    if (resumed) summary.resumedFrom = { nextIdMin: window.nextIdMin };
    summary.watermark = checkpoint.watermark;
    const kb = config.kbEnrichment ? run.knowledgeBase() : undefined;
    // The hosts delivered, for the host reconciliation to find those Qualys no longer lists.
    const ledger = config.hostReconciliation ? new HostLedger(ctx.store) : undefined;
    ctx.logger.info('qualys: host detection window', { window: summary.window, resumedFromHostId: window.nextIdMin });

    let current: HostDetectionsCheckpoint = { ...checkpoint, window };
    const chunks = pageHostDetections({
        streamHostDetections: (params, signal) => run.api.streamHostDetections(params, signal),
        baseParams: hostDetectionParams(config),
        window,
        signal: ctx.signal,
        clock: ctx.clock,
        logger: ctx.logger,
        chunkHosts: tuning.chunkHosts,
        chunkDetections: tuning.chunkDetections,
        maxAttempts: tuning.maxPageAttempts,
        onRetry: run.countRetry
    });
    for await (const chunk of chunks) {
        // A page read before the abort may still be parsed from memory: hand none of it out once aborted.
        ctx.signal.throwIfAborted();
        const artifacts: Artifact[] = [];
        const qids = chunk.hosts.flatMap(parsed => parsed.detections.map(detection => detection.qid));
        const { summaries, artifacts: kbArtifacts } =
            kb === undefined ? { summaries: new Map(), artifacts: [] } : await kb.resolve(qids);
        artifacts.push(...kbArtifacts);
        // A detection without any date, on a host without a scan time, is timed by the response.
        const fallbackTime = chunk.responseTime ?? toQualysTime(run.pollStart);
        const mapper = new VulnerabilityFindingMapper(run.source, { fallbackTime });
        for (const { host, detections } of chunk.hosts) {
            const hostPart = mapper.host(host);
            const hostArtifact = mapHostArtifact(hostPart, run.source, fallbackTime);
            if (hostArtifact) artifacts.push(hostArtifact);
            for (const detection of detections) {
                artifacts.push(mapper.map(hostPart, detection, summaries.get(detection.qid)));
            }
        }
        summary.hosts += chunk.hosts.length;
        summary.detections += chunk.detections;
        if (chunk.pageDone) {
            summary.pages += 1;
            ctx.logger.debug('qualys: fetched host detection page', { page: chunk.page, hosts: summary.hosts });
        }
        current = chunk.windowDone
            ? { version: 2, watermark: window.before }
            : { ...current, window: { ...window, nextIdMin: chunk.resumeFrom } };
        yield { stream: QualysStream.hostDetections, artifacts, checkpoint: current, progress: run.progress() };
        await kb?.persist();
        await ledger?.recordDelivered(artifacts, toQualysTime(run.pollStart));
    }
    ctx.logger.info('qualys: fetched host detections', {
        pages: summary.pages,
        hosts: summary.hosts,
        detections: summary.detections,
        window: summary.window
    });
    summary.nextWatermark = current.watermark;
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
        show_asset_id: '1',
        ...(config.cloudMetadata ? { host_metadata: 'all', show_cloud_tags: '1' } : {})
    };
}
