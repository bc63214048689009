import type { PollBatch } from '@signal-connectors/connector-sdk';
import { QualysStream, type ScansCheckpoint } from './qualys-checkpoint.js';
import type { QualysPollRun } from './qualys-poll-run.js';
import { collectScans } from './scan-collector.js';

/**
 * The `scans` stream: the scan list since the scan watermark, one artifact per scan step not delivered before,
 * in one batch (see `collectScans`). A scan that never settles holds the watermark back for at most
 * `maxUnsettledScanMs`, then is reported once and released.
 */
export async function* pollScans(
    run: QualysPollRun,
    checkpoint: ScansCheckpoint
): AsyncGenerator<PollBatch<ScansCheckpoint>> {
    const { config, ctx } = run;
    const scans = await collectScans({
        fetchScanList: (params, signal) => run.api.fetchScanList(params, signal),
        checkpoint,
        pollStart: run.pollStart,
        overlapMs: config.windowOverlapMs,
        initialLookbackMs: config.initialLookbackMs,
        maxUnsettledMs: run.tuning.maxUnsettledScanMs,
        source: run.source,
        signal: ctx.signal,
        clock: ctx.clock,
        logger: ctx.logger,
        onRetry: run.countRetry
    });
    run.summary.scans = scans.artifacts.length;
    if (scans.released.length > 0) run.summary.unsettledScans = scans.released;
    yield {
        stream: QualysStream.scans,
        artifacts: scans.artifacts,
        checkpoint: scans.checkpoint,
        progress: run.progress()
    };
}
