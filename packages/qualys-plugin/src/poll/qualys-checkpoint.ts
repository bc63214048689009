import { LEGACY_CHECKPOINT_KEY, type StreamCheckpoints } from '@signal-connectors/connector-sdk';

/** The streams of the Qualys connector, as its manifest declares them. */
export const QualysStream = {
    hostDetections: 'host_detections',
    knowledgeBase: 'knowledge_base',
    scans: 'scans',
    hostReconciliation: 'host_reconciliation'
} as const;

/** The bounds of a host detection window: what `vm_processed_after` / `vm_processed_before` select. */
export interface DetectionWindowBounds {
    /** `vm_processed_after`; absent on a first full sync. */
    after?: string;
    /** `vm_processed_before`: the start of the poll that opened the window. */
    before: string;
}

/**
 * One of the disjoint host id ranges a window is fetched in (`id_min`/`id_max`), and how far into it the poll got.
 * The first range is open below and the last open above, so together they cover every host id.
 */
export interface HostIdRangeCursor {
    /** The range's first host id; absent = from the lowest. */
    idMin?: number;
    /** The range's last host id (`id_max`); absent = up to the highest. */
    idMax?: number;
    /** First host id of the range not yet delivered (the `id_min` to resume from); absent at the range's start. */
    nextIdMin?: number;
    /** True once the whole range was delivered. */
    done?: boolean;
}

/** The host detection window a poll is delivering: its bounds and, per host id range, how far the poll got. */
export interface DetectionWindow extends DetectionWindowBounds {
    /** Ascending, disjoint, covering every host id together (one range = a sequential walk). */
    ranges: HostIdRangeCursor[];
}

/** The host ids a completed window delivered: how many, and an ascending sample (quantiles) of them. */
export interface HostIdDistribution {
    count: number;
    /** At most {@link HOST_ID_SAMPLE_SIZE} ids, evenly spread over the delivered ones in id order. */
    sample: number[];
}

/** The largest sample a {@link HostIdDistribution} keeps: enough for even ranges at any usable concurrency. */
export const HOST_ID_SAMPLE_SIZE = 64;

/**
 * The `host_detections` stream's checkpoint (version 3), committed after each delivered chunk of hosts. Small and
 * JSON-only, so a crash resumes every host id range from the host it was on, not from the start of the window.
 * {@link readCheckpoints} still reads version 2 (one cursor, `window.nextIdMin`) and the checkpoint from before
 * streams.
 */
export interface HostDetectionsCheckpoint {
    version: 3;
    /** End of the last fully delivered window: the next window starts here, minus the overlap. */
    watermark?: string;
    /** The window in progress; absent between polls. */
    window?: DetectionWindow;
    /** The host ids the last completed window delivered, from which the next window's ranges are split. */
    hostIds?: HostIdDistribution;
    /**
     * The host detection API's concurrency limit as Qualys last said it (`X-Concurrency-Limit-Limit`), for a
     * poll that starts before any call has told it again (a new process).
     */
    concurrencyLimit?: number;
}

/** The version 2 `host_detections` checkpoint (one sequential cursor), still read. */
interface HostDetectionsCheckpointV2 {
    version: 2;
    watermark?: string;
    window?: LegacyDetectionWindow;
}

/** The window of a version 1 or 2 checkpoint: one cursor over every host id. */
export interface LegacyDetectionWindow extends DetectionWindowBounds {
    nextIdMin?: number;
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
    window?: LegacyDetectionWindow;
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
        host_detections: readHostDetections(checkpoints[QualysStream.hostDetections], legacy),
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
        stream => stream !== QualysStream.hostReconciliation && ownCheckpoint(checkpoints[stream], stream) === undefined
    );
}

/** The stream's own checkpoint when it has one of a version read: 2, and 3 for `host_detections`. */
function ownCheckpoint<T extends { version: number }>(raw: unknown, stream?: string): T | undefined {
    if (!isObject(raw)) return undefined;
    const versions = stream === QualysStream.hostDetections ? [2, 3] : [2];
    return versions.includes(raw.version as number) ? (raw as unknown as T) : undefined;
}

/**
 * The `host_detections` checkpoint as version 3: its own (version 3, or 2 with its one cursor as a single range
 * over every host id), else its part of the checkpoint from before streams, else a fresh one.
 */
function readHostDetections(raw: unknown, legacy: LegacyQualysCheckpoint | undefined): HostDetectionsCheckpoint {
    const own = ownCheckpoint<HostDetectionsCheckpoint | HostDetectionsCheckpointV2>(
        raw,
        QualysStream.hostDetections
    );
    if (own?.version === 3) {
        // A window whose ranges cannot be read is re-read from the watermark rather than guessed at.
        if (own.window === undefined || isRangeList(own.window.ranges)) return own;
        const { window: _unreadable, ...rest } = own;
        return rest;
    }
    const watermark = own === undefined ? legacy?.detectionWatermark : own.watermark;
    const window = own === undefined ? legacy?.window : own.window;
    return compact({ version: 3, watermark, window: window === undefined ? undefined : singleRangeWindow(window) });
}

/** A version 1 or 2 window: its one cursor becomes the cursor of a single range over every host id. */
function singleRangeWindow(window: LegacyDetectionWindow): DetectionWindow {
    const { nextIdMin, ...bounds } = window;
    return { ...compact(bounds), ranges: [compact({ nextIdMin })] };
}

function isRangeList(ranges: unknown): ranges is HostIdRangeCursor[] {
    const bound = (value: unknown): boolean => value === undefined || Number.isSafeInteger(value);
    return (
        Array.isArray(ranges) &&
        ranges.length > 0 &&
        ranges.every(range => isObject(range) && bound(range.idMin) && bound(range.idMax) && bound(range.nextIdMin))
    );
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
