import type { DetectionStatus } from './detection-model.js';
import type { ScanState } from './scan-catalog.js';

/** Size and shape of a synthetic tenant. Everything is derived from `seed`, so equal options give equal data. */
export interface TenantOptions {
    /** Number of VM-scanned hosts (default 50). */
    hosts?: number;
    /** Detections per host before any advance, excluding information-gathered ones (default 10). */
    detectionsPerHost?: number;
    /** Approximate characters of RESULTS text per detection (default 300; 0 omits RESULTS). */
    resultsSize?: number;
    /** Seed for every derived value (default 1). */
    seed?: number;
    /** Id of the first host; ids then ascend with small gaps (default 118220000). */
    firstHostId?: number;
    /** Tenant clock start (default 2024-05-14T08:00:00Z). */
    startTime?: Date;
    /**
     * Follow the real clock: the tenant starts now and an `advance()` without a step moves to the current
     * time, so a connector's real-time windows see the re-scans (the demo and end-to-end tests use this).
     */
    wallClock?: boolean;
    /** Number of scans in the scan list (default 12). */
    scans?: number;
    /** USER_LOGIN reported on scans (default 'sandbox_user'). */
    userLogin?: string;
    /** Number of QIDs in the KnowledgeBase pool (default 400). */
    kbSize?: number;
}

/** How far `SyntheticTenant.advance` moves the tenant and how much changes. */
export interface AdvanceOptions {
    /** Clock step in hours (default 1); ignored when `seconds` is given. */
    hours?: number;
    /** Clock step in seconds. */
    seconds?: number;
    /** Move the clock to this time instead of stepping (never backwards). */
    to?: Date;
    /** Share of hosts re-scanned during the step (default 0.1). */
    rescanFraction?: number;
    /** Host ids re-scanned in addition to the random share. */
    rescanHostIds?: readonly number[];
    /** KnowledgeBase QIDs modified during the step (default 3). */
    kbModifications?: number;
    /** Scans launched during the step (default 1). */
    scanLaunches?: number;
}

/** What an advance changed. */
export interface AdvanceResult {
    /** 1 for the first advance, 2 for the second... */
    advance: number;
    previous: Date;
    now: Date;
    rescannedHosts: number;
    modifiedQids: number[];
}

/** The identity and state of one detection an HLD request should return (see `expectedDetections`). */
export interface ExpectedDetection {
    hostId: number;
    qid: number;
    port?: number;
    protocol?: string;
    ssl: boolean;
    fqdn?: string;
    uniqueVulnId: number;
    /** STATUS; absent for an information-gathered detection rendered without status and dates. */
    status?: DetectionStatus;
    /** LAST_UPDATE_DATETIME as it appears in the XML; absent like `status`. */
    lastUpdate?: string;
}

/** A summary of the tenant for admin/state reporting. */
export interface TenantState {
    now: string;
    start: string;
    seed: number;
    hosts: number;
    detectionsPerHost: number;
    resultsSize: number;
    firstHostId: number;
    lastHostId: number;
    advances: number;
    /** Hosts purged and not restored. */
    purgedHosts: number;
    kbQids: number;
    scans: { total: number; byState: Partial<Record<ScanState, number>> };
}
