/** Detection statuses the host detection API filters on. */
export type QualysStatus = 'New' | 'Active' | 'Re-Opened' | 'Fixed';

/** API path versions per endpoint, e.g. `5.0` -> `/api/5.0/fo/asset/host/vm/detection/`. */
export interface QualysApiVersions {
    hostDetection: string;
    knowledgeBase: string;
    scanList: string;
    hostList: string;
}

/** A validated instance configuration (see `connector.json` for the raw schema and defaults). */
export interface QualysConfig {
    /** Normalised API server origin, e.g. `https://qualysapi.qg2.apps.qualys.com`. */
    baseUrl: string;
    username: string;
    password: string;
    /** `basic` (every call carries the credentials) or `token` (a gateway JWT as `Bearer`). */
    authMethod: 'basic' | 'token';
    /** The gateway issuing tokens (`token` only), e.g. `https://gateway.qg2.apps.qualys.com`. */
    gatewayUrl?: string;
    /** Hosts per page. */
    truncationLimit: number;
    /** Most host detection pages read side by side (each over its own host id range); 1 = sequential. */
    maxConcurrentPages: number;
    includeResults: boolean;
    statuses: QualysStatus[];
    includeInformationGathered: boolean;
    /** Ask for each detection's Qualys Detection Score and its factors (`show_qds=1`, `show_qds_factors=1`). */
    qds: boolean;
    /** How far back the first poll looks, in ms; undefined means everything. */
    initialLookbackMs?: number;
    /** How much each window re-reads before the watermark, in ms (scan results are processed asynchronously). */
    windowOverlapMs: number;
    kbEnrichment: boolean;
    /** Ask for cloud instance metadata and cloud tags (`host_metadata=all`, `show_cloud_tags=1`). */
    cloudMetadata: boolean;
    /** Run the `host_reconciliation` stream: find hosts removed from Qualys and close their findings. */
    hostReconciliation: boolean;
    /** How often it runs, in ms (default one day). */
    hostReconciliationIntervalMs: number;
    /** The status a removed host's findings are closed with. */
    removedHostStatus: 'Resolved' | 'Suppressed';
    scans: boolean;
    caFile?: string;
    proxy?: string;
    timeoutSeconds: number;
    apiVersion: QualysApiVersions;
}
