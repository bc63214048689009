import type { QualysHost } from '../model/index.js';
import { mapCloud } from './cloud-mapper.js';
import type { OcsfCloud, OcsfDevice, OcsfNetworkInterface, OcsfOs } from './ocsf-vulnerability-finding.js';

/** The OCSF parts made of one Qualys host, and the host fields OCSF has no attribute for. */
export interface MappedHost {
    device: OcsfDevice;
    cloud?: OcsfCloud;
    unmapped: Record<string, unknown>;
}

/*
 * OS families by name. Compiled once: the mapper runs per detection. Apple iOS is left out on purpose, as
 * "IOS" in Qualys OS strings is far more often Cisco's.
 */
const OS_FAMILIES: readonly { pattern: RegExp; typeId: number; type: string }[] = [
    { pattern: /windows/i, typeId: 100, type: 'Windows' },
    { pattern: /android/i, typeId: 201, type: 'Android' },
    {
        pattern: /linux|ubuntu|debian|red ?hat|rhel|centos|suse|fedora|rocky|alma|photon/i,
        typeId: 200,
        type: 'Linux'
    },
    { pattern: /mac ?os|os x/i, typeId: 300, type: 'macOS' },
    { pattern: /solaris|sunos/i, typeId: 400, type: 'Solaris' },
    { pattern: /\baix\b/i, typeId: 401, type: 'AIX' },
    { pattern: /hp-?ux/i, typeId: 402, type: 'HP-UX' }
];

function osOf(name: string, cpe: string | undefined): OcsfOs {
    const family = OS_FAMILIES.find(candidate => candidate.pattern.test(name));
    const os: OcsfOs = family
        ? { name, type_id: family.typeId, type: family.type }
        : { name, type_id: 0, type: 'Unknown' };
    if (cpe) os.cpe_name = cpe;
    return os;
}

/** Qualys' network 0: hosts not assigned to a custom network. It names no zone. */
const DEFAULT_NETWORK_ID = '0';
const DEFAULT_NETWORK_NAME = 'global default network';

/**
 * Maps a Qualys host to an OCSF `device` (plus `cloud` when Qualys names a provider or sends instance metadata):
 * - uid = host ID, uid_alt = asset ID, name = NetBIOS name;
 * - hostname = DNS_DATA/FQDN, else DNS, else DNS_DATA/HOSTNAME; domain = DNS_DATA/DOMAIN;
 * - ip = IPv4, else IPv6; with several addresses `network_interfaces` lists each (OCSF's place for them): IPv4
 *   (with the instance MAC), IPv6, and a cloud public IPv4 as type 99 `Public`;
 * - os (name, CPE, family); instance_uid = EC2 instance ID, else cloud resource ID, else the metadata's instance
 *   id; mac from the instance metadata;
 * - zone = NETWORK_NAME (else a custom NETWORK_ID); the default network (ID 0) is no zone and is left out;
 * - agent_list = the Cloud Agent (QG_HOSTID), groups = asset tags (name and tag ID);
 * - cloud: see `cloud-mapper.ts`. The raw metadata attributes and cloud tags are not repeated per finding: they
 *   travel once per host in the `qualys.host` artifact.
 * Everything else (tracking method, scan dates and durations, cloud service, a custom network's ID, DNS names not
 * used as hostname, tag colours, and every element the parser did not model) goes to `unmapped`, under the model's
 * property names and, for unmodelled elements, the Qualys element names as the parser kept them.
 */
export function mapHost(host: QualysHost): MappedHost {
    // Object.assign, not spread: V8 keeps a spread copy off the fast path once properties are added to it.
    const unmapped: Record<string, unknown> = Object.assign({}, host.unmapped);
    const device: OcsfDevice = { type_id: 0, type: 'Unknown', uid: String(host.id) };
    if (host.assetId !== undefined) device.uid_alt = String(host.assetId);

    const hostname = host.dnsData?.fqdn || host.dns || host.dnsData?.hostname;
    if (hostname) device.hostname = hostname;
    if (host.dnsData?.domain) device.domain = host.dnsData.domain;
    if (host.dns && host.dns !== hostname) unmapped.dns = host.dns;
    if (host.dnsData?.hostname && host.dnsData.hostname !== hostname) {
        unmapped.dnsData = { hostname: host.dnsData.hostname };
    }
    if (host.netbios) device.name = host.netbios;

    const cloudFacts = mapCloud(host);
    const ip = host.ip || host.ipv6;
    if (ip) device.ip = ip;
    if (cloudFacts.mac) device.mac = cloudFacts.mac;
    const interfaces = networkInterfaces(host, cloudFacts.mac, cloudFacts.publicIp);
    if (interfaces.length > 1) device.network_interfaces = interfaces;

    if (host.os) device.os = osOf(host.os, host.osCpe);
    else if (host.osCpe) unmapped.osCpe = host.osCpe;

    const instanceUid = host.ec2InstanceId || host.cloudResourceId || cloudFacts.instanceUid;
    if (instanceUid) device.instance_uid = instanceUid;
    if (host.cloudResourceId && host.cloudResourceId !== instanceUid) unmapped.cloudResourceId = host.cloudResourceId;
    const zone = zoneOf(host);
    if (zone) device.zone = zone;
    if (host.networkId && host.networkId !== DEFAULT_NETWORK_ID && host.networkId !== zone) {
        unmapped.networkId = host.networkId;
    }

    if (host.qgHostId) {
        device.agent_list = [
            {
                uid: host.qgHostId,
                name: 'Qualys Cloud Agent',
                type_id: 5,
                type: 'Vulnerability Management',
                vendor_name: 'Qualys'
            }
        ];
    }
    if (host.tags.length > 0) {
        device.groups = host.tags.map(tag => (tag.id ? { name: tag.name, uid: tag.id } : { name: tag.name }));
        // OCSF groups have no colour: keep the tags whole when Qualys sent colours, so nothing is lost.
        if (host.tags.some(tag => tag.color !== undefined || tag.backgroundColor !== undefined)) {
            unmapped.tags = host.tags;
        }
    }

    if (host.trackingMethod !== undefined) unmapped.trackingMethod = host.trackingMethod;
    if (host.cloudService !== undefined) unmapped.cloudService = host.cloudService;
    if (host.lastScanDatetime !== undefined) unmapped.lastScanDatetime = host.lastScanDatetime;
    if (host.lastVmScannedDate !== undefined) unmapped.lastVmScannedDate = host.lastVmScannedDate;
    if (host.lastVmScannedDuration !== undefined) unmapped.lastVmScannedDuration = host.lastVmScannedDuration;
    if (host.lastVmAuthScannedDate !== undefined) unmapped.lastVmAuthScannedDate = host.lastVmAuthScannedDate;
    if (host.lastVmAuthScannedDuration !== undefined) {
        unmapped.lastVmAuthScannedDuration = host.lastVmAuthScannedDuration;
    }
    if (host.lastPcScannedDate !== undefined) unmapped.lastPcScannedDate = host.lastPcScannedDate;

    const mapped: MappedHost = { device, unmapped };
    if (cloudFacts.cloud) mapped.cloud = cloudFacts.cloud;
    return mapped;
}

/** The network name, else a custom network's ID; nothing for the default network. */
function zoneOf(host: QualysHost): string | undefined {
    if (host.networkId === DEFAULT_NETWORK_ID) return undefined;
    if (host.networkName && host.networkName.toLowerCase() !== DEFAULT_NETWORK_NAME) return host.networkName;
    return host.networkId || undefined;
}

/** Every address of the host: IPv4 (with the instance MAC), IPv6, and the cloud public IPv4. */
function networkInterfaces(
    host: QualysHost,
    mac: string | undefined,
    publicIp: string | undefined
): OcsfNetworkInterface[] {
    const interfaces: OcsfNetworkInterface[] = [];
    if (host.ip)
        interfaces.push(
            mac ? { ip: host.ip, mac, type_id: 0, type: 'Unknown' } : { ip: host.ip, type_id: 0, type: 'Unknown' }
        );
    if (host.ipv6) interfaces.push({ ip: host.ipv6, type_id: 0, type: 'Unknown' });
    if (publicIp && publicIp !== host.ip) interfaces.push({ ip: publicIp, type_id: 99, type: 'Public' });
    return interfaces;
}
