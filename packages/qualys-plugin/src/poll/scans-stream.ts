import type { PollBatch } from '@signal-connectors/connector-sdk';
import { QualysStream, type ScansCheckpoint } from './qualys-checkpoint.js';
import type { QualysPollRun } from './qualys-poll-run.js';
import { collectScans, type ScanCollection } from './scan-collector.js';

/**
 * Starts collecting the scan list since the scan watermark (see `collectScans`) at once, so its calls run beside
 * the KnowledgeBase and host detection calls instead of after them; {@link pollScans} delivers the result in its
 * turn. A failure is held for `pollScans` to report, never left unhandled. `stop` ends the collection early (the
 * poll's own signal does too).
 */
export function startScanCollection(
    run: QualysPollRun,
    checkpoint: ScansCheckpoint,
    stop: AbortSignal
): Promise<ScanCollection> {
    const { config, ctx } = run;
    const collection = collectScans({
        fetchScanList: (params, signal) => run.api.fetchScanList(params, signal),
        checkpoint,
        pollStart: run.pollStart,
        overlapMs: config.windowOverlapMs,
        initialLookbackMs: config.initialLookbackMs,
        maxUnsettledMs: run.tuning.maxUnsettledScanMs,
        source: run.source,
        signal: AbortSignal.any([ctx.signal, stop]),
        clock: ctx.clock,
        logger: ctx.logger,
        onRetry: run.countRetry
    });
    collection.catch(() => undefined);
    return collection;
}

/**
 * The `scans` stream: one artifact per scan step not delivered before, in one batch, from a collection
 * {@link startScanCollection} started earlier in the poll. A scan that never settles holds the watermark back for
 * at most `maxUnsettledScanMs`, then is reported once and released.
 */
export async function* pollScans(
    run: QualysPollRun,
    collection: Promise<ScanCollection>
): AsyncGenerator<PollBatch<ScansCheckpoint>> {
    const scans = await collection;
    run.summary.scans = scans.artifacts.length;
    if (scans.released.length > 0) run.summary.unsettledScans = scans.released;
    yield {
        stream: QualysStream.scans,
        artifacts: scans.artifacts,
        checkpoint: scans.checkpoint,
        progress: run.progress()
    };
}
