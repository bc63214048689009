import type { UnmappedFields } from './qualys-host.js';

/** One `SCAN` of a scan list (`SCAN_LIST_OUTPUT`). */
export interface QualysScan {
    /** e.g. `scan/1715637600.41277`. */
    ref: string;
    id?: string;
    scanType?: string;
    /** On-Demand | Scheduled | API */
    type?: string;
    title?: string;
    userLogin?: string;
    launchDatetime?: string;
    /** `HH:MM:SS`, `N days HH:MM:SS`, `Pending` or `Running`. */
    duration?: string;
    processingPriority?: string;
    processed?: boolean;
    /** Running | Paused | Canceled | Finished | Error | Queued | Loading */
    state?: string;
    subState?: string;
    target?: string;
    assetGroups: string[];
    optionProfile?: { title?: string; isDefault?: boolean };
    unmapped: UnmappedFields;
}
