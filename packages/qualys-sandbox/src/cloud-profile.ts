import { hash } from './hash.js';

/** The metadata blocks Qualys sends under `METADATA` (`host_metadata=…`), by the parameter value that selects each. */
export const METADATA_BLOCKS = { ec2: 'EC2', azure: 'AZURE', google: 'GOOGLE', alicloud: 'ALICLOUD' } as const;

/** A `host_metadata` value: `all` or one provider. */
export type MetadataSelector = 'all' | keyof typeof METADATA_BLOCKS;

/** One `METADATA/<block>/ATTRIBUTE`. */
export interface SyntheticMetadataAttribute {
    name: string;
    value: string;
    /** `Success`, or `Error` for an attribute Qualys could not read (then LAST_ERROR says why). */
    status: 'Success' | 'Error';
}

/** A cloud host's provider fields, instance metadata and provider tags. */
export interface SyntheticCloud {
    /** CLOUD_PROVIDER. */
    provider: string;
    /** CLOUD_SERVICE. */
    service: string;
    /** CLOUD_RESOURCE_ID. */
    resourceId: string;
    /** EC2_INSTANCE_ID (AWS only). */
    instanceId?: string;
    /** The `METADATA` element holding `attributes`. */
    block: (typeof METADATA_BLOCKS)[keyof typeof METADATA_BLOCKS];
    attributes: SyntheticMetadataAttribute[];
    tags: { name: string; value: string }[];
}

const AWS_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'];
const AZURE_REGIONS = ['westeurope', 'eastus2', 'northeurope'];
const GCP_ZONES = ['us-central1-a', 'europe-west1-b', 'asia-east1-c'];
const ALIBABA_REGIONS = ['cn-hangzhou', 'eu-central-1', 'ap-southeast-1'];
const TEAMS = ['payments', 'platform', 'research', 'retail'];

function hex(value: number, digits: number): string {
    return (value >>> 0).toString(16).padStart(8, '0').slice(-digits);
}

function pick<T>(items: readonly T[], h: number): T {
    return items[h % items.length];
}

function ok(name: string, value: string): SyntheticMetadataAttribute {
    return { name, value, status: 'Success' };
}

function mac(h: number): string {
    const bytes = [0x0a, (h >>> 24) & 255, (h >>> 16) & 255, (h >>> 8) & 255, h & 255, (h >>> 4) & 255];
    return bytes.map(byte => byte.toString(16).padStart(2, '0')).join(':');
}

/**
 * The cloud side of a host, derived from the seed: EC2-tracked hosts run in AWS; a share of agent hosts run in
 * Azure, GCP or Alibaba Cloud. Attribute names follow each provider's instance metadata service (the names
 * Qualys reports: EC2 and GCP as seen in public responses, Azure and Alibaba Cloud after their metadata
 * services). About 40 EC2 attributes exist in real responses; a representative dozen is produced, one of
 * them failed (LAST_STATUS Error), as Qualys reports metadata it could not read.
 */
export function describeCloud(
    seed: number,
    hostId: number,
    hostIndex: number,
    trackingMethod: string,
    privateIp: string
): SyntheticCloud | undefined {
    const h1 = hash(seed, hostId, 0x2a);
    const h2 = hash(seed, hostId, 0x2b);
    const kind = trackingMethod === 'EC2' ? 0 : trackingMethod === 'AGENT' ? 1 + (hash(seed, hostId, 0x2c) % 6) : 9;
    const publicIp = `${[54, 20, 34, 47][Math.min(kind, 3)]}.${(h1 >>> 8) & 255}.${h1 & 255}.${(h2 & 253) + 1}`;
    const tags = [
        { name: 'Name', value: `host-${hostIndex + 1}` },
        { name: 'team', value: pick(TEAMS, h2 >>> 3) }
    ];
    if (kind === 0) {
        const region = pick(AWS_REGIONS, h1 >>> 5);
        const instanceId = `i-0${hex(h1, 8)}${hex(h2, 8)}`;
        const doc = 'latest/dynamic/instance-identity/document/';
        return {
            provider: 'AWS',
            service: 'EC2',
            resourceId: instanceId,
            instanceId,
            block: METADATA_BLOCKS.ec2,
            attributes: [
                ok(`${doc}accountId`, String(100_000_000_000 + (h2 % 899_999_999_999))),
                ok(`${doc}availabilityZone`, `${region}${'abc'[h2 % 3]}`),
                ok(`${doc}region`, region),
                ok(`${doc}instanceId`, instanceId),
                ok(`${doc}instanceType`, pick(['m5.large', 't3.medium', 'c6i.xlarge'], h1 >>> 9)),
                ok(`${doc}imageId`, `ami-0${hex(h2, 8)}${hex(h1, 8)}`),
                ok(`${doc}privateIp`, privateIp),
                ok('latest/meta-data/instance-id', instanceId),
                ok('latest/meta-data/mac', mac(h1 ^ h2)),
                ok('latest/meta-data/public-ipv4', publicIp),
                ok('latest/meta-data/local-ipv4', privateIp),
                { name: 'latest/meta-data/public-hostname', value: '', status: 'Error' }
            ],
            tags
        };
    }
    if (kind === 1) {
        const vmId = `${hex(h1, 8)}-${hex(h2, 4)}-4${hex(h1 >>> 3, 3)}-8${hex(h2 >>> 3, 3)}-${hex(h1 ^ h2, 8)}${hex(hostId, 4)}`;
        const subscription = `${hex(h2, 8)}-${hex(h1, 4)}-4${hex(h2 >>> 5, 3)}-9${hex(h1 >>> 5, 3)}-${hex(h2 ^ 0x5a5a, 8)}0000`;
        const location = pick(AZURE_REGIONS, h1 >>> 5);
        return {
            provider: 'Azure',
            service: 'Virtual Machine',
            resourceId: `/subscriptions/${subscription}/resourceGroups/rg-${hostIndex % 7}/providers/Microsoft.Compute/virtualMachines/vm-${hostIndex + 1}`,
            block: METADATA_BLOCKS.azure,
            attributes: [
                ok('compute/location', location),
                ok('compute/zone', String(1 + (h2 % 3))),
                ok('compute/subscriptionId', subscription),
                ok('compute/vmId', vmId),
                ok('compute/vmSize', pick(['Standard_D2s_v5', 'Standard_B2ms'], h1 >>> 7)),
                ok('compute/resourceGroupName', `rg-${hostIndex % 7}`),
                ok(
                    'network/interface/0/macAddress',
                    mac(h1 ^ h2)
                        .replaceAll(':', '')
                        .toUpperCase()
                ),
                ok('network/interface/0/ipv4/ipAddress/0/privateIpAddress', privateIp),
                ok('network/interface/0/ipv4/ipAddress/0/publicIpAddress', publicIp)
            ],
            tags
        };
    }
    if (kind === 2) {
        const zone = pick(GCP_ZONES, h1 >>> 5);
        const projectNumber = String(100_000_000_000 + (h1 % 899_999_999_999));
        const instanceId = `${1 + (h1 % 9)}${String(h1).padStart(10, '0')}${String(h2 % 100_000_000).padStart(8, '0')}`;
        return {
            provider: 'GCP',
            service: 'Compute Engine',
            resourceId: instanceId,
            block: METADATA_BLOCKS.google,
            attributes: [
                ok('latest/meta-data/instance-id', instanceId),
                ok('latest/meta-data/mac', mac(h1 ^ h2)),
                ok('latest/meta-data/public-ipv4', publicIp),
                ok('latest/dynamic/instance-identity/document/privateIp', privateIp),
                ok('machineType', pick(['e2-standard-4', 'n2-standard-2'], h2 >>> 4)),
                ok('projectId', `project-${hex(h2, 5)}`),
                ok('projectIdNo', projectNumber),
                ok('zone', `projects/${projectNumber}/zones/${zone}`)
            ],
            tags
        };
    }
    if (kind === 3) {
        const region = pick(ALIBABA_REGIONS, h1 >>> 5);
        const instanceId = `i-bp${hex(h1, 8)}${hex(h2, 6)}`;
        return {
            provider: 'Alibaba Cloud',
            service: 'ECS',
            resourceId: instanceId,
            block: METADATA_BLOCKS.alicloud,
            attributes: [
                ok('latest/meta-data/region-id', region),
                ok('latest/meta-data/zone-id', `${region}-${'abcdefghi'[h2 % 9]}`),
                ok('latest/meta-data/owner-account-id', String(1_000_000_000_000_000 + (h1 % 999_999_999))),
                ok('latest/meta-data/instance-id', instanceId),
                ok('latest/meta-data/mac', mac(h1 ^ h2)),
                ok('latest/meta-data/eipv4', publicIp),
                ok('latest/meta-data/private-ipv4', privateIp)
            ],
            tags
        };
    }
    return undefined;
}
