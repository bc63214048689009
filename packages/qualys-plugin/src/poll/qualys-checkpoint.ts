import { LEGACY_CHECKPOINT_KEY, type StreamCheckpoints } from '@signal-connectors/connector-sdk';

/** The streams of the Qualys connector, as its manifest declares them. */
export const QualysStream = {
    hostDetections: 'host_detections',
    knowledgeBase: 'knowledge_base',
    scans: 'scans',
    hostReconciliation: 'host_reconciliation'
} as const;

/** The host detection window a poll is delivering, and how far into it the poll got. */
export interface DetectionWindow {
    /** `vm_processed_after`; absent on a first full sync. */
    after?: string;
    /** `vm_processed_before`: the start of the poll that opened the window. */
    before: string;
    /** First host id not yet delivered (`id_min`); absent at the window's start. */
    nextIdMin?: number;
}

/**
 * The `host_detections` stream's checkpoint, committed after each delivered chunk of hosts. Small and JSON-only,
 * so a crash resumes from the host the poll was on, not from the start of the window.
 */
export interface HostDetectionsCheckpoint {
    version: 2;
    /** End of the last fully delivered window: the next window starts here, minus the overlap. */
    watermark?: string;
    /** The window in progress; absent between polls. */
    window?: DetectionWindow;
}

/** The `scans` stream's checkpoint. */
export interface ScansCheckpoint {
    version: 2;
    /** `launched_after_datetime` of the next scan list call. */
    since?: string;
    /**
     * The last step delivered per scan reference (its state, marked `(processed)` once its results were
     * processed, or `released` once it was given up as unsettled), for scans launched since `since`.
     */
    states?: Record<string, string>;
}

/** The `knowledge_base` stream's checkpoint. */
export interface KnowledgeBaseCheckpoint {
    version: 2;
    /** `last_modified_after` of the next refresh of cached entries. */
    refreshedAt?: string;
}

/** The `host_reconciliation` stream's checkpoint. */
export interface HostReconciliationCheckpoint {
    version: 2;
    /** The start of the last reconciliation that went through the whole host list (ISO). */
    lastCompletedAt?: string;
    /** A reconciliation in progress: when it started (it dates what it finds) and the next host id to compare. */
    run?: { startedAt: string; fromId: number };
}

/** Every stream's checkpoint, as a poll starts from them. */
export interface QualysCheckpoints {
    [QualysStream.hostDetections]: HostDetectionsCheckpoint;
    [QualysStream.scans]: ScansCheckpoint;
    [QualysStream.knowledgeBase]: KnowledgeBaseCheckpoint;
    [QualysStream.hostReconciliation]: HostReconciliationCheckpoint;
}

/**
 * The one checkpoint of an instance from before the connector had streams (version 1). The host hands it over
 * under `LEGACY_CHECKPOINT_KEY` until every stream has committed its own; {@link readCheckpoints} splits it.
 */
export interface LegacyQualysCheckpoint {
    version: 1;
    detectionWatermark?: string;
    window?: DetectionWindow;
    scansSince?: string;
    scanStates?: Record<string, string>;
    kbRefreshedAt?: string;
}

/**
 * Each stream's checkpoint from what the host hands `poll`: the stream's own when it has one, else its part of
 * the version 1 checkpoint (detection watermark and window, scan watermark and states, KnowledgeBase refresh
 * time), so an instance upgraded from before streams resumes without a full re-sync. A checkpoint of an unknown
 * shape counts as none.
 */
export function readCheckpoints(checkpoints: StreamCheckpoints): QualysCheckpoints {
    const legacy = readLegacy(checkpoints[LEGACY_CHECKPOINT_KEY]);
    return {
        host_detections:
            ownCheckpoint<HostDetectionsCheckpoint>(checkpoints[QualysStream.hostDetections]) ??
            compact({ version: 2, watermark: legacy?.detectionWatermark, window: legacy?.window }),
        scans:
            ownCheckpoint<ScansCheckpoint>(checkpoints[QualysStream.scans]) ??
            compact({ version: 2, since: legacy?.scansSince, states: legacy?.scanStates }),
        knowledge_base:
            ownCheckpoint<KnowledgeBaseCheckpoint>(checkpoints[QualysStream.knowledgeBase]) ??
            compact({ version: 2, refreshedAt: legacy?.kbRefreshedAt }),
        // Newer than the checkpoint from before streams: nothing to inherit.
        host_reconciliation: ownCheckpoint<HostReconciliationCheckpoint>(
            checkpoints[QualysStream.hostReconciliation]
        ) ?? {
            version: 2
        }
    };
}

/**
 * The streams whose checkpoint comes from the checkpoint from before streams (they have none of their own yet):
 * each must commit it once, even with nothing new to deliver, so that the host can drop the old one.
 */
export function inheritedStreams(checkpoints: StreamCheckpoints): string[] {
    if (readLegacy(checkpoints[LEGACY_CHECKPOINT_KEY]) === undefined) return [];
    return Object.values(QualysStream).filter(
        stream => stream !== QualysStream.hostReconciliation && ownCheckpoint(checkpoints[stream]) === undefined
    );
}

function ownCheckpoint<T extends { version: 2 }>(raw: unknown): T | undefined {
    return isObject(raw) && raw.version === 2 ? (raw as unknown as T) : undefined;
}

function readLegacy(raw: unknown): LegacyQualysCheckpoint | undefined {
    return isObject(raw) && raw.version === 1 ? (raw as unknown as LegacyQualysCheckpoint) : undefined;
}

/** The checkpoint without its absent fields, as JSON would store it. */
function compact<T extends object>(checkpoint: T): T {
    return Object.fromEntries(Object.entries(checkpoint).filter(([, value]) => value !== undefined)) as T;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
