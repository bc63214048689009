import type { Artifact, ArtifactSource } from '@signal-connectors/connector-sdk';
import { isoTime } from './artifact-time.js';
import { withoutUndefined } from './compact-json.js';
import { stableId } from './stable-id.js';

/** Artifact `type` of a run summary. */
export const RUN_SUMMARY_ARTIFACT_TYPE = 'qualys.run_summary';

/** How one stream ended in a poll; `skipped` when the instance's config turns it off. */
export interface StreamSummary {
    outcome: 'complete' | 'failed' | 'skipped';
    error?: { kind: string; message: string };
}

/** A scan given up as unsettled: it stopped holding the scan window back and is no longer followed. */
export interface UnsettledScan {
    ref: string;
    state?: string;
    launched?: string;
}

/** A host id range of an interrupted window, as a resumed run found it. */
export interface ResumedRange {
    idMin?: number;
    idMax?: number;
    nextIdMin?: number;
    done?: boolean;
}

/**
 * What one poll did, delivered as the poll's last artifact so a consumer can reconcile what it received with
 * what was collected (counts per run, watermark movement, throttling, each stream's outcome), and see why a run
 * stopped.
 */
export interface RunSummary {
    runId: string;
    /** ISO-8601 UTC. */
    startedAt: string;
    /** ISO-8601 UTC. */
    finishedAt: string;
    durationMs: number;
    /** `complete`: every stream that ran completed; `partial`: some failed, some completed; `failed`: all failed. */
    outcome: 'complete' | 'partial' | 'failed';
    /** How each stream ended, by stream id. */
    streams: Record<string, StreamSummary>;
    /** The detection window (`vm_processed_after` / `_before`). */
    window?: { after?: string; before: string };
    /**
     * Set when the run continued an interrupted window: each host id range as the run found it (`nextIdMin`: where
     * it went on; `done`: already delivered), and `nextIdMin` of the first range left.
     */
    resumedFrom?: { nextIdMin?: number; ranges?: ResumedRange[] };
    pages: number;
    hosts: number;
    detections: number;
    knowledgeBase: { fetched: number; cached: number; artifacts: number };
    /** Scan artifacts delivered. */
    scans: number;
    /** Scans released this poll because they never settled (each is reported once). */
    unsettledScans?: UnsettledScan[];
    /** What the `host_reconciliation` stream found, when it ran. */
    reconciliation?: { hostsRemoved: number; findingsClosed: number; hostsReturned: number; completed: boolean };
    /** Calls per Qualys API. */
    apiCalls: Record<string, number>;
    /** Responses that asked the connector to slow down (HTTP 409/429). */
    throttled: number;
    retries: number;
    watermark?: string;
    nextWatermark?: string;
    /** The error of the first stream that failed, its message naming the stream. */
    error?: { kind: string; message: string };
}

/** The artifact id of a run summary: `qrs_` + a hash of connector, instance and run id. */
export function runSummaryArtifactId(summary: RunSummary, source: ArtifactSource): string {
    return stableId('qrs_', [source.connector, source.instance, 'run', summary.runId]);
}

/** Maps a run summary to an artifact; `time` is when the run finished. */
export function mapRunSummary(summary: RunSummary, source: ArtifactSource): Artifact<RunSummary> {
    return {
        id: runSummaryArtifactId(summary, source),
        type: RUN_SUMMARY_ARTIFACT_TYPE,
        time: isoTime(summary.finishedAt, summary.startedAt),
        source,
        data: withoutUndefined(summary)
    };
}
