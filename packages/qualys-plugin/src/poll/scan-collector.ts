import type { Artifact, ArtifactSource, Clock, Logger } from '@signal-connectors/connector-sdk';
import type { QualysScan } from '../model/index.js';
import { mapScan, normaliseScanState, type UnsettledScan } from '../ocsf/index.js';
import { parseScanList } from '../xml/index.js';
import { retryCall } from './retry-call.js';
import type { ScansCheckpoint } from './qualys-checkpoint.js';
import { fromQualysTime, toQualysTime } from '../model/qualys-time.js';

/** States after which a scan does not change any more. */
const FINAL_STATES = new Set(['Finished', 'Canceled', 'Error']);

/** How far back a first poll lists scans without a configured lookback: Qualys' own default. */
const FIRST_POLL_LOOKBACK_MS = 30 * 86_400_000;

/** The step remembered for a scan given up as unsettled, so that it is reported once. */
const RELEASED_STEP = 'released';

/** The scans part of a poll's outcome. */
export interface ScanCollection {
    artifacts: Artifact[];
    checkpoint: ScansCheckpoint;
    listed: number;
    /** Scans given up as unsettled in this poll. */
    released: UnsettledScan[];
}

/** What {@link collectScans} needs. */
export interface ScanCollectorOptions {
    fetchScanList(params: Record<string, string>, signal?: AbortSignal): Promise<string>;
    checkpoint: ScansCheckpoint;
    pollStart: number;
    overlapMs: number;
    initialLookbackMs?: number;
    /** How long after its launch an unsettled scan may hold the scan window back. */
    maxUnsettledMs: number;
    source: ArtifactSource;
    signal: AbortSignal;
    clock: Clock;
    logger: Logger;
    onRetry?: () => void;
}

/**
 * Lists scans launched since the scan watermark (all states) and emits one artifact per scan step not
 * delivered before, so a scan seen Running, then Finished, then processed yields three. The next watermark
 * stays at the launch time of the oldest scan not yet settled, so its later steps are seen; delivered steps
 * move with the checkpoint, never ahead of it. A scan that has not settled `maxUnsettledMs` after its launch
 * (Paused, Queued, no state, Finished but never processed) stops holding the watermark back: it is reported
 * once, as an artifact marked `unsettled` and a warning, and no longer followed, so the window and the
 * checkpoint stop growing.
 */
export async function collectScans(options: ScanCollectorOptions): Promise<ScanCollection> {
    const { checkpoint, pollStart } = options;
    // A first poll asks for what Qualys lists by default (30 days), explicitly, unless a lookback is configured.
    const since =
        checkpoint.since ?? toQualysTime(pollStart - (options.initialLookbackMs ?? FIRST_POLL_LOOKBACK_MS));
    const params: Record<string, string> = { show_ags: '1', show_op: '1', launched_after_datetime: since };
    const { scans } = await retryCall(
        'scan list call',
        async () => parseScanList(await options.fetchScanList(params, options.signal)),
        options
    );

    const delivered = checkpoint.states ?? {};
    const artifacts: Artifact[] = [];
    const released: UnsettledScan[] = [];
    const releaseBefore = pollStart - options.maxUnsettledMs;
    let nextSince = pollStart - options.overlapMs;
    const states: Record<string, string> = {};
    for (const scan of scans) {
        const launched = fromQualysTime(scan.launchDatetime);
        const settled = isSettled(scan);
        if (!settled && launched !== undefined && launched < releaseBefore) {
            states[scan.ref] = RELEASED_STEP;
            if (delivered[scan.ref] !== RELEASED_STEP) {
                const afterDays = Math.floor((pollStart - launched) / 86_400_000);
                artifacts.push(mapScan(scan, options.source, { releasedAt: new Date(pollStart).toISOString(), afterDays }));
                released.push(unsettledScan(scan));
                options.logger.warn('qualys: a scan never settled; it no longer holds the scan window back', {
                    scan: scan.ref,
                    state: scan.state ?? 'none',
                    launched: scan.launchDatetime,
                    days: afterDays
                });
            }
            continue;
        }
        const step = scanStep(scan);
        if (delivered[scan.ref] !== step) artifacts.push(mapScan(scan, options.source));
        states[scan.ref] = step;
        if (launched !== undefined && !settled) nextSince = Math.min(nextSince, launched);
    }
    // One second of slack: Qualys compares launch times at second precision.
    nextSince -= 1000;
    // Keep only the states the next listing can return again.
    const kept: Record<string, string> = {};
    for (const scan of scans) {
        const launched = fromQualysTime(scan.launchDatetime);
        if (launched === undefined || launched >= nextSince) kept[scan.ref] = states[scan.ref];
    }
    return {
        artifacts,
        checkpoint: { version: 2, since: toQualysTime(nextSince), states: kept },
        listed: scans.length,
        released
    };
}

/**
 * The step of a scan as the checkpoint remembers it: the state in its documented spelling (so `Cancelled` and
 * `Canceled` are one state), marked once a scan's results were processed, which the artifact id also covers.
 */
function scanStep(scan: QualysScan): string {
    const state = normaliseScanState(scan.state) ?? 'Unknown';
    return scan.processed === true ? `${state} (processed)` : state;
}

/** True when a scan will not change any more: in a final state and, if Finished, not waiting for processing. */
function isSettled(scan: QualysScan): boolean {
    const state = normaliseScanState(scan.state);
    if (state === undefined || !FINAL_STATES.has(state)) return false;
    // Qualys processes results after the scan finished; an absent PROCESSED flag must not hold the window forever.
    return state !== 'Finished' || scan.processed !== false;
}

function unsettledScan(scan: QualysScan): UnsettledScan {
    const state = normaliseScanState(scan.state);
    return {
        ref: scan.ref,
        ...(state === undefined ? {} : { state }),
        ...(scan.launchDatetime === undefined ? {} : { launched: scan.launchDatetime })
    };
}
