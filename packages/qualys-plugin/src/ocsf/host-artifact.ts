import type { Artifact, ArtifactSource } from '@signal-connectors/connector-sdk';
import type { QualysCloudMetadata, QualysCloudTag } from '../model/index.js';
import { isoTime } from './artifact-time.js';
import type { OcsfCloud } from './ocsf-vulnerability-finding.js';
import { stableId } from './stable-id.js';
import type { HostFindingPart } from './vulnerability-finding-mapper.js';

/** Artifact `type` of a host's cloud context. */
export const HOST_ARTIFACT_TYPE = 'qualys.host';

/**
 * A host's cloud context, delivered once per host and poll instead of inside every finding: the instance
 * metadata attributes and cloud provider tags as Qualys sent them, beside what the findings carry of them
 * (`cloud`, instance id). Findings and this artifact share the host ID (`device.uid` / `hostId`).
 */
export interface HostArtifactData {
    hostId: number;
    assetId?: number;
    ip?: string;
    hostname?: string;
    cloudProvider?: string;
    cloudService?: string;
    instanceUid?: string;
    cloud?: OcsfCloud;
    /** `METADATA`: one block per provider (`EC2`, `AZURE`, `GOOGLE`, `ALICLOUD`) with every attribute. */
    metadata?: QualysCloudMetadata[];
    /** `CLOUD_PROVIDER_TAGS`. */
    cloudTags?: QualysCloudTag[];
    /** The host's last scan (`LAST_SCAN_DATETIME`), as sent. */
    lastScanned?: string;
}

/**
 * The `qualys.host` artifact of a host, or undefined when Qualys sent no cloud metadata or cloud tags for it.
 * The id covers the host and the raw metadata, so the same context redelivered keeps its id and a changed one
 * (a new public IP, a new tag) gets a new id. `time` is the host's last scan, else the part's fallback time.
 */
export function mapHostArtifact(part: HostFindingPart, source: ArtifactSource): Artifact<HostArtifactData> | undefined {
    const { host } = part;
    const metadata = host.cloudMetadata ?? [];
    const cloudTags = host.cloudTags ?? [];
    if (metadata.length === 0 && cloudTags.length === 0) return undefined;
    const data: HostArtifactData = { hostId: host.id };
    if (host.assetId !== undefined) data.assetId = host.assetId;
    if (host.ip) data.ip = host.ip;
    if (part.device.hostname) data.hostname = part.device.hostname;
    if (host.cloudProvider) data.cloudProvider = host.cloudProvider;
    if (host.cloudService) data.cloudService = host.cloudService;
    if (part.device.instance_uid) data.instanceUid = part.device.instance_uid;
    if (part.cloud) data.cloud = part.cloud;
    if (metadata.length > 0) data.metadata = metadata;
    if (cloudTags.length > 0) data.cloudTags = cloudTags;
    if (part.lastScanned) data.lastScanned = part.lastScanned;
    return {
        id: stableId('qvh_', [source.instance, host.id, metadata, cloudTags]),
        type: HOST_ARTIFACT_TYPE,
        time: isoTime(part.lastScanned, part.fallbackTime),
        source,
        data
    };
}
