/** Elements a parser read but does not model, kept as read: text as strings, repeated names as arrays. */
export type UnmappedFields = Record<string, unknown>;

/** A host tag (`show_tags=1`). */
export interface QualysTag {
    id?: string;
    name: string;
    color?: string;
    backgroundColor?: string;
}

/** One attribute of a cloud provider's instance metadata (`METADATA/<provider>/ATTRIBUTE`). */
export interface QualysMetadataAttribute {
    /** e.g. `latest/dynamic/instance-identity/document/region` (EC2) or `zone` (GCP). */
    name: string;
    value?: string;
    /** `Success` when Qualys last read the value, else the failure. */
    lastStatus?: string;
    lastSuccessDate?: string;
    lastErrorDate?: string;
    lastError?: string;
}

/**
 * One provider block of `METADATA` (`host_metadata=all`): `EC2`, `AZURE`, `GOOGLE` or `ALICLOUD`, as Qualys names
 * the element, with the attributes in document order.
 */
export interface QualysCloudMetadata {
    source: string;
    attributes: QualysMetadataAttribute[];
}

/** A cloud provider tag (`CLOUD_PROVIDER_TAGS/CLOUD_TAG`, `show_cloud_tags=1`). */
export interface QualysCloudTag {
    name: string;
    value?: string;
    lastSuccessDate?: string;
}

/** One `HOST` of a host detection (`HOST_LIST_VM_DETECTION_OUTPUT`) response, without its detections. */
export interface QualysHost {
    /** QWEB host id: the paging key, ascending within a response. */
    id: number;
    assetId?: number;
    ip?: string;
    ipv6?: string;
    trackingMethod?: string;
    networkId?: string;
    /** `NETWORK_NAME`: the name of the Qualys network (`Global Default Network` for network 0). */
    networkName?: string;
    os?: string;
    osCpe?: string;
    dns?: string;
    dnsData?: { hostname?: string; domain?: string; fqdn?: string };
    netbios?: string;
    /** Cloud agent host id. */
    qgHostId?: string;
    cloudProvider?: string;
    cloudService?: string;
    cloudResourceId?: string;
    ec2InstanceId?: string;
    lastScanDatetime?: string;
    lastVmScannedDate?: string;
    /** Seconds. */
    lastVmScannedDuration?: number;
    lastVmAuthScannedDate?: string;
    lastVmAuthScannedDuration?: number;
    lastPcScannedDate?: string;
    tags: QualysTag[];
    /** Cloud instance metadata, one block per provider; absent when Qualys sent none. */
    cloudMetadata?: QualysCloudMetadata[];
    /** Cloud provider tags; absent when Qualys sent none. */
    cloudTags?: QualysCloudTag[];
    unmapped: UnmappedFields;
}

/** A MITRE ATT&CK tactic or technique a detection maps to (API 5.0). */
export interface QualysAttackId {
    id?: string;
    name?: string;
}

/** The Qualys Detection Score (`show_qds=1`). */
export interface QualysQds {
    score: number;
    /** LOW | MEDIUM | HIGH | CRITICAL */
    severity?: string;
}

/** One `DETECTION` of a host. Times are ISO-8601 UTC strings as Qualys sent them. */
export interface QualysDetection {
    uniqueVulnId?: string;
    qid: number;
    /** Confirmed | Potential | Info */
    type: string;
    /** 1-5, 5 most severe. */
    severity?: number;
    port?: number;
    protocol?: string;
    fqdn?: string;
    ssl: boolean;
    instance?: string;
    /** Verbatim: newlines and tabs intact, surrounding whitespace of the CDATA trimmed. */
    results?: string;
    /** Set when RESULTS was longer than the parser keeps: `results` is its start, `originalLength` what was sent. */
    resultsCut?: { originalLength: number };
    /** New | Active | Fixed | Re-Opened */
    status?: string;
    firstFound?: string;
    lastFound?: string;
    qds?: QualysQds;
    /** `QDS_FACTOR name=...` -> text. */
    qdsFactors: Record<string, string>;
    timesFound?: number;
    lastTest?: string;
    lastUpdate?: string;
    lastFixed?: string;
    firstReopened?: string;
    lastReopened?: string;
    timesReopened?: number;
    service?: string;
    isIgnored?: boolean;
    isDisabled?: boolean;
    affectRunningKernel?: string;
    affectRunningService?: string;
    affectExploitableConfig?: string;
    lastProcessed?: string;
    assetCve?: string;
    /** API 5.0: the CVEs of this detection (the host's own subset of the QID's CVEs). */
    cves?: string[];
    /** API 5.0: the sensors that found it, e.g. `Cloud Agent`, `Internal Scanner`. */
    detectionSources?: string[];
    /** API 5.0: the sensor of the latest detection. */
    latestDetectionSource?: string;
    /** API 5.0: MITRE ATT&CK tactics and techniques, each list in Qualys' order. */
    mitreTactics?: QualysAttackId[];
    mitreTechniques?: QualysAttackId[];
    /** API 5.0: the TruRisk Elimination status of the detection, as sent. */
    truriskEliminationStatus?: string;
    unmapped: UnmappedFields;
}

/** A host with its detections, as the streaming parser yields them one at a time. */
export interface ParsedHost {
    host: QualysHost;
    detections: QualysDetection[];
}

/** What follows the host list of one host detection response. */
export interface HostDetectionTrailer {
    /** `RESPONSE/DATETIME`: the server's time of the response. */
    responseDatetime?: string;
    /** The pagination WARNING, when more hosts remain. */
    warning?: { code?: string; text?: string; url?: string };
    /** `id_min` read from the WARNING URL: the first host id of the next page. */
    nextIdMin?: number;
    /** Hosts in this response. */
    hostCount: number;
}
