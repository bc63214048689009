import type { Artifact, ArtifactSource } from '@signal-connectors/connector-sdk';
import type { QualysScan } from '../model/index.js';
import { isoTime } from './artifact-time.js';
import { withoutUndefined } from './compact-json.js';
import { stableId } from './stable-id.js';

/** Artifact `type` of a scan list entry. */
export const SCAN_ARTIFACT_TYPE = 'qualys.scan';

/** Why a scan is no longer followed: it never settled within the time a scan may hold the scan window back. */
export interface ScanRelease {
    /** When the connector gave up on it (ISO-8601 UTC). */
    releasedAt: string;
    /** How long after its launch it was given up, in days. */
    afterDays: number;
}

/** A scan as delivered: the parsed scan with its state normalised, and the state as sent when that differed. */
export interface ScanArtifactData extends QualysScan {
    /** The state as Qualys sent it, only when normalising changed it. */
    originalState?: string;
    /**
     * Set on the last artifact of a scan that never settled (Paused, Queued, no state, Finished but never
     * processed): it no longer holds the scan window back, and later changes of it are not followed.
     */
    unsettled?: ScanRelease;
}

/** The documented scan states, keyed by lower case; `Cancelled` is accepted for `Canceled`. */
const SCAN_STATES: ReadonlyMap<string, string> = new Map(
    ['Running', 'Paused', 'Canceled', 'Finished', 'Error', 'Queued', 'Loading']
        .map((state): [string, string] => [state.toLowerCase(), state])
        .concat([['cancelled', 'Canceled']])
);

/** A scan state in its documented spelling (`FINISHED ` -> `Finished`); an undocumented state trimmed. */
export function normaliseScanState(state: string | undefined): string | undefined {
    if (state === undefined) return undefined;
    const trimmed = state.trim();
    return SCAN_STATES.get(trimmed.toLowerCase()) ?? trimmed;
}

/**
 * The artifact id of one observed state of a scan: `qsc_` + a hash of connector, instance, scan reference,
 * normalised state and processed flag. A scan seen Running and later Finished (then processed) yields one
 * artifact per step; redelivering a step yields the same id. Its release as unsettled is a step of its own.
 */
export function scanArtifactId(scan: QualysScan, source: ArtifactSource, released = false): string {
    return stableId('qsc_', [
        source.connector,
        source.instance,
        'scan',
        scan.ref,
        normaliseScanState(scan.state) ?? null,
        scan.processed ?? null,
        ...(released ? ['unsettled'] : [])
    ]);
}

/**
 * Maps a scan list entry to an artifact; `time` is the launch time (the epoch when Qualys sent none). `release`
 * marks the artifact reporting that the scan never settled.
 */
export function mapScan(scan: QualysScan, source: ArtifactSource, release?: ScanRelease): Artifact<ScanArtifactData> {
    const state = normaliseScanState(scan.state);
    const data: ScanArtifactData = withoutUndefined({ ...scan });
    if (state !== undefined) data.state = state;
    if (state !== undefined && state !== scan.state) data.originalState = scan.state;
    if (release !== undefined) data.unsettled = release;
    return {
        id: scanArtifactId(scan, source, release !== undefined),
        type: SCAN_ARTIFACT_TYPE,
        time: isoTime(scan.launchDatetime),
        source,
        data
    };
}
