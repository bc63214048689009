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
 * What a Qualys instance commits after each delivered batch. It is small and JSON-only, so a crash
 * resumes from the host the poll was on, not from the start of the window.
 */
export interface QualysCheckpoint {
    version: 1;
    /** End of the last fully delivered window: the next window starts here, minus the overlap. */
    detectionWatermark?: string;
    /** The window in progress; absent between polls. */
    window?: DetectionWindow;
    /** Scans: `launched_after_datetime` of the next scan list call. */
    scansSince?: string;
    /**
     * Scans: the last step delivered per scan reference (its state, marked `(processed)` once its results were
     * processed), for scans launched since `scansSince`.
     */
    scanStates?: Record<string, string>;
    /** KnowledgeBase: `last_modified_after` of the next refresh of cached entries. */
    kbRefreshedAt?: string;
}

/** Reads a stored checkpoint, tolerating one written by an older version or none at all. */
export function readCheckpoint(raw: unknown): QualysCheckpoint {
    if (raw === null || typeof raw !== 'object' || (raw as { version?: unknown }).version !== 1) return { version: 1 };
    return raw as QualysCheckpoint;
}
