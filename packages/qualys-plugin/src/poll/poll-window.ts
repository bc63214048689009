import type { QualysConfig } from '../model/index.js';
import type { DetectionWindowBounds, HostDetectionsCheckpoint, HostIdRangeCursor } from './qualys-checkpoint.js';
import { fromQualysTime, toQualysTime } from '../model/qualys-time.js';

/**
 * The host detection window of a poll: the one left unfinished by the last poll (with the host id ranges it was
 * fetched in, and how far each got), or a new one covering `[watermark - overlap, poll start)`, whose ranges are
 * still to be planned. A first poll starts `initialLookback` back, or covers everything.
 */
export function openDetectionWindow(
    checkpoint: HostDetectionsCheckpoint,
    config: QualysConfig,
    pollStart: number
): { window: DetectionWindowBounds; ranges?: HostIdRangeCursor[] } {
    if (checkpoint.window) {
        const { ranges, ...window } = checkpoint.window;
        return { window, ranges };
    }
    const watermark = fromQualysTime(checkpoint.watermark);
    let after: number | undefined;
    if (watermark !== undefined) after = watermark - config.windowOverlapMs;
    else if (config.initialLookbackMs !== undefined) after = pollStart - config.initialLookbackMs;
    return { window: { ...(after === undefined ? {} : { after: toQualysTime(after) }), before: toQualysTime(pollStart) } };
}
