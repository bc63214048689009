import type { Artifact, ArtifactSource } from '@signal-connectors/connector-sdk';
import { severityCaption } from './finding-classification.js';
import {
    FINDINGS_CATEGORY_UID,
    OCSF_SCHEMA_VERSION,
    type OcsfVulnerability,
    type OcsfVulnerabilityFinding,
    VULNERABILITY_FINDING_ARTIFACT_TYPE,
    VULNERABILITY_FINDING_CLASS_UID
} from './ocsf-vulnerability-finding.js';
import { stableId } from './stable-id.js';

/** Artifact `type` of a host found removed from Qualys. */
export const HOST_REMOVED_ARTIFACT_TYPE = 'qualys.host_removed';

/** Artifact `type` of a removed host found back in Qualys. */
export const HOST_RETURNED_ARTIFACT_TYPE = 'qualys.host_returned';

/** `metadata.labels` and `status_detail` of a finding closed because its host is gone. */
export const HOST_REMOVED_LABEL = 'host_removed';

/** Why a reconciliation closes findings: said in their `status_detail` and in the host artifact. */
export const HOST_REMOVED_REASON =
    'The host is no longer in the Qualys host list (purged by a user or a purge rule): its findings are closed.';

/** The OCSF status a removed host's findings are closed with (a setting: Resolved by default). */
export type RemovedHostStatus = 'Resolved' | 'Suppressed';

const STATUS_IDS: Record<RemovedHostStatus, number> = { Suppressed: 3, Resolved: 4 };

/** A removed host as the ledger knew it: its device and its open findings. */
export interface RemovedHost {
    hostId: number;
    device: { uid: string; hostname?: string; ip?: string; instance_uid?: string };
    /** `[detection key, QID, severity_id, CVE or advisory id, title]` of each open finding. */
    open: readonly (readonly [string, number, number, string, string])[];
    /** When the host's findings were last delivered (ISO). */
    lastSeen?: string;
}

/** `data` of a `qualys.host_removed` artifact. */
export interface HostRemovedData {
    hostId: number;
    device: RemovedHost['device'];
    reason: string;
    /** The reconciliation that found the host gone started then (ISO). */
    detectedAt: string;
    lastSeen?: string;
    /** Findings closed with it, and the status they were closed with. */
    closedFindings: number;
    closedAs: RemovedHostStatus;
}

/**
 * The artifacts of a host found removed: a `qualys.host_removed` record, then one Vulnerability Finding update
 * per open finding of the host, closing it: activity Close, status Resolved (or Suppressed, by setting) with the
 * reason in `status_detail` and the `host_removed` label. Each update keeps the finding's `finding_info.uid`, so a
 * consumer that upserts findings by it closes exactly the findings the host had. Ids are stable for one
 * reconciliation run (`detectedAt`), so a resumed run redelivers the same records.
 */
export function mapHostRemoval(
    host: RemovedHost,
    detectedAt: string,
    closedAs: RemovedHostStatus,
    source: ArtifactSource
): Artifact[] {
    const time = Date.parse(detectedAt);
    const data: HostRemovedData = {
        hostId: host.hostId,
        device: host.device,
        reason: HOST_REMOVED_REASON,
        detectedAt,
        closedFindings: host.open.length,
        closedAs
    };
    if (host.lastSeen) data.lastSeen = host.lastSeen;
    const artifacts: Artifact[] = [
        {
            id: stableId('qhr_', [source.instance, host.hostId, detectedAt]),
            type: HOST_REMOVED_ARTIFACT_TYPE,
            time: new Date(time).toISOString(),
            source,
            data
        }
    ];
    const device = { type_id: 0, type: 'Unknown', ...host.device };
    for (const [key, qid, severityId, reference, title] of host.open) {
        const id = stableId('qvd_', [key, HOST_REMOVED_LABEL, detectedAt]);
        const vulnerability: OcsfVulnerability = { title, vendor_name: 'Qualys' };
        if (reference.startsWith('QID-') || reference === '')
            vulnerability.advisory = { uid: reference || `QID-${qid}`, title };
        else vulnerability.cve = { uid: reference };
        const finding: OcsfVulnerabilityFinding = {
            class_uid: VULNERABILITY_FINDING_CLASS_UID,
            class_name: 'Vulnerability Finding',
            category_uid: FINDINGS_CATEGORY_UID,
            category_name: 'Findings',
            activity_id: 3,
            activity_name: 'Close',
            type_uid: VULNERABILITY_FINDING_CLASS_UID * 100 + 3,
            type_name: 'Vulnerability Finding: Close',
            time,
            severity_id: severityId,
            severity: severityCaption(severityId),
            status_id: STATUS_IDS[closedAs],
            status: closedAs,
            status_detail: HOST_REMOVED_REASON,
            metadata: {
                version: OCSF_SCHEMA_VERSION,
                product: { name: 'Vulnerability Management', vendor_name: 'Qualys' },
                uid: id,
                log_name: 'host_reconciliation',
                original_time: detectedAt,
                labels: [HOST_REMOVED_LABEL]
            },
            finding_info: {
                uid: key,
                title,
                analytic: { uid: String(qid), name: `QID ${qid}`, type_id: 1, type: 'Rule' },
                data_sources: ['Qualys VM host list reconciliation']
            },
            device,
            vulnerabilities: [vulnerability],
            unmapped: { qualys: { host: {}, detection: { closedBecause: HOST_REMOVED_LABEL } } }
        };
        artifacts.push({
            id,
            type: VULNERABILITY_FINDING_ARTIFACT_TYPE,
            time: new Date(time).toISOString(),
            source,
            data: finding
        });
    }
    return artifacts;
}

/** `data` of a `qualys.host_returned` artifact. */
export interface HostReturnedData {
    hostId: number;
    device: RemovedHost['device'];
    /** When the host was found removed, and when back (ISO). */
    removedAt: string;
    returnedAt: string;
}

/**
 * A `qualys.host_returned` record: a host found removed earlier is in the host list again. Its findings are
 * reported again beside it, as Qualys holds them now.
 */
export function mapHostReturned(
    hostId: number,
    device: RemovedHost['device'],
    removedAt: string,
    returnedAt: string,
    source: ArtifactSource
): Artifact<HostReturnedData> {
    return {
        id: stableId('qhb_', [source.instance, hostId, returnedAt]),
        type: HOST_RETURNED_ARTIFACT_TYPE,
        time: new Date(Date.parse(returnedAt)).toISOString(),
        source,
        data: { hostId, device, removedAt, returnedAt }
    };
}
