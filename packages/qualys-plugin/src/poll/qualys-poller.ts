import {
    isStreamStatus,
    type PollContext,
    type PollItem,
    runStreams,
    type StreamCheckpoints,
    type StreamRun,
    type StreamStatus
} from '@signal-connectors/connector-sdk';
import type { QualysConfig } from '../model/index.js';
import { pollHostDetections } from './host-detections-stream.js';
import { pollHostReconciliation } from './host-reconciliation-stream.js';
import { pollKnowledgeBase } from './knowledge-base-stream.js';
import { type HostDetectionsCheckpoint, inheritedStreams, QualysStream, readCheckpoints } from './qualys-checkpoint.js';
import { DEFAULT_TUNING, type PollTuning, type QualysPollApi, QualysPollRun } from './qualys-poll-run.js';
import { pollScans, startScanCollection } from './scans-stream.js';

/**
 * One poll of a Qualys instance: its streams one after the other, each from its own checkpoint and isolated
 * from the others (`runStreams`: a stream that fails reports `failed` and the next one runs), then a run
 * summary. The KnowledgeBase refresh goes first, so that findings are enriched from fresh entries; the scan list
 * is fetched from the start, beside the other calls, and delivered after the host detections, so that it never
 * holds them back; the host reconciliation (when due) goes last, so that it compares the host list with every
 * host delivered so far. Streams the config turns off do not run. The run summary goes out as the last batch of
 * `host_detections` (with that stream's checkpoint unchanged), before its status, and lists how every stream ended.
 */
export async function* pollQualys(
    config: QualysConfig,
    checkpoints: StreamCheckpoints,
    ctx: PollContext,
    api: QualysPollApi,
    tuning: Partial<PollTuning> = {}
): AsyncGenerator<PollItem> {
    const run = new QualysPollRun(config, ctx, api, { ...DEFAULT_TUNING, ...tuning });
    const start = readCheckpoints(checkpoints);
    const inherited = inheritedStreams(checkpoints).includes(QualysStream.knowledgeBase);
    const streams: StreamRun[] = [];
    // Ends a scan list collection still under way when the poll ends before the scans stream's turn.
    const stopScans = new AbortController();
    if (config.kbEnrichment) {
        streams.push({
            stream: QualysStream.knowledgeBase,
            poll: () => pollKnowledgeBase(run, start.knowledge_base, inherited)
        });
    } else run.skip(QualysStream.knowledgeBase);
    streams.push({ stream: QualysStream.hostDetections, poll: () => pollHostDetections(run, start.host_detections) });
    if (config.scans) {
        // Its calls start now, beside the other streams' calls; its artifacts still go out in its turn.
        const scans = startScanCollection(run, start.scans, stopScans.signal);
        streams.push({ stream: QualysStream.scans, poll: () => pollScans(run, scans) });
    } else run.skip(QualysStream.scans);
    if (config.hostReconciliation) {
        streams.push({
            stream: QualysStream.hostReconciliation,
            poll: () => pollHostReconciliation(run, start.host_reconciliation)
        });
    } else run.skip(QualysStream.hostReconciliation);
    ctx.logger.info('qualys: poll started', { streams: streams.map(stream => stream.stream) });

    let detections: HostDetectionsCheckpoint = start.host_detections;
    let detectionsStatus: StreamStatus | undefined;
    try {
        for await (const item of runStreams(streams, { signal: ctx.signal, logger: ctx.logger })) {
            if (isStreamStatus(item)) {
                run.recordStatus(item);
                // Held back: the run summary still has to go out in this stream.
                if (item.stream === QualysStream.hostDetections) {
                    detectionsStatus = item;
                    continue;
                }
            } else if (item.stream === QualysStream.hostDetections) {
                detections = item.checkpoint as HostDetectionsCheckpoint;
            }
            yield item;
        }
    } finally {
        stopScans.abort();
    }
    // runStreams stops quietly between streams once aborted: a stopped poll sends no summary.
    ctx.signal.throwIfAborted();
    const summary = run.finish();
    ctx.logger.info('qualys: poll finished', { outcome: run.summary.outcome, streams: run.summary.streams });
    yield {
        stream: QualysStream.hostDetections,
        artifacts: [summary],
        checkpoint: detections,
        progress: run.progress()
    };
    if (detectionsStatus !== undefined) yield detectionsStatus;
}

export { hostDetectionParams } from './host-detections-stream.js';
export type { PollTuning, QualysPollApi } from './qualys-poll-run.js';
