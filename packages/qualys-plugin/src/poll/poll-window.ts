import type { QualysConfig } from '../model/index.js';
import type { DetectionWindow, HostDetectionsCheckpoint } from './qualys-checkpoint.js';
import { fromQualysTime, toQualysTime } from '../model/qualys-time.js';

/**
 * The host detection window of a poll: the one left unfinished by the last poll, or a new one covering
 * `[watermark - overlap, poll start)`. A first poll starts `initialLookback` back, or covers everything.
 */
export function openDetectionWindow(
    checkpoint: HostDetectionsCheckpoint,
    config: QualysConfig,
    pollStart: number
): { window: DetectionWindow; resumed: boolean } {
    if (checkpoint.window) return { window: checkpoint.window, resumed: true };
    const watermark = fromQualysTime(checkpoint.watermark);
    let after: number | undefined;
    if (watermark !== undefined) after = watermark - config.windowOverlapMs;
    else if (config.initialLookbackMs !== undefined) after = pollStart - config.initialLookbackMs;
    return {
        window: { after: after === undefined ? undefined : toQualysTime(after), before: toQualysTime(pollStart) },
        resumed: false
    };
}
