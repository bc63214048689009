import { describeCloud, type SyntheticCloud } from './cloud-profile.js';
import { hash, Rng } from './hash.js';

/** TRACKING_METHOD values the sandbox produces. */
export type TrackingMethod = 'IP' | 'DNS' | 'NETBIOS' | 'AGENT' | 'EC2';

/** An asset tag as HLD reports it with show_tags=1. */
export interface SyntheticTag {
    id: number;
    name: string;
    color?: string;
    backgroundColor?: string;
}

/** One processing of a host's scan results: the initial one (advance 0) or a re-scan during an advance. */
export interface HostScanEvent {
    /** 0 for the state before the first advance, otherwise the advance number that re-scanned the host. */
    advance: number;
    /** Epoch seconds the results were processed (what vm_processed_after compares). */
    processedAt: number;
    /** Epoch seconds the scan ended (LAST_VM_SCANNED_DATE, detection LAST_FOUND/LAST_TEST). */
    scanEnd: number;
    /** LAST_VM_SCANNED_DURATION in seconds. */
    duration: number;
}

/** A host's HLD attributes at the current tenant clock. */
export interface SyntheticHost {
    index: number;
    id: number;
    assetId: number;
    ip: string;
    ipv6?: string;
    trackingMethod: TrackingMethod;
    networkId: number;
    /** NETWORK_NAME: `Global Default Network` for network 0. */
    networkName: string;
    os: string;
    dns?: string;
    dnsData?: { hostname: string; domain?: string; fqdn?: string };
    netbios?: string;
    qgHostId?: string;
    cloud?: SyntheticCloud;
    /** Whether the host carries an empty `<ASSET_GROUP_LIST />`, as some real responses do. */
    emptyAssetGroupList: boolean;
    lastScanDatetime: number;
    lastVmScannedDate: number;
    lastVmScannedDuration: number;
    lastVmAuthScannedDate?: number;
    lastVmAuthScannedDuration?: number;
    /** Newer-API element older parsers do not know; present on some hosts to exercise tolerance. */
    riskScore?: number;
    tags: SyntheticTag[];
    /** Whether this host's CDATA values are laid out on their own indented lines. */
    cdataOwnLine: boolean;
    /** Every processing of this host's results, oldest first; the last one is the current state. */
    events: readonly HostScanEvent[];
}

const TAGS: readonly SyntheticTag[] = [
    { id: 31790044, name: 'Production', color: '#FFFFFF', backgroundColor: '#C0392B' },
    { id: 31790051, name: 'Windows Servers' },
    { id: 31790058, name: 'Linux' },
    { id: 31790066, name: 'R&D <Lab>', color: '#000000', backgroundColor: '#F1C40F' },
    { id: 31790073, name: 'PCI Scope' },
    { id: 31790080, name: 'Internet Facing' },
    { id: 31790094, name: 'Cloud Agent' },
    { id: 31790101, name: 'Business Unit: Finance' }
];
const WINDOWS_OS = [
    'Windows Server 2019 Datacenter 64 bit Edition Version 1809',
    'Windows 10 Enterprise 64 bit Edition Version 22H2',
    'Windows Server 2016 Standard'
];
const LINUX_OS = [
    'Ubuntu 22.04.4 LTS',
    'Red Hat Enterprise Linux 8.9',
    'Linux 3.13',
    'Amazon Linux 2',
    'Debian GNU/Linux 12'
];
const OTHER_OS = ['Cisco IOS 15.2 & NX-OS', 'FreeBSD 13.2', 'VMware ESXi 7.0.3'];
const DOMAINS = ['corp.example.com', 'eu.example.net', 'lab.example.org'];
const METHODS: readonly TrackingMethod[] = [
    'IP',
    'IP',
    'IP',
    'IP',
    'IP',
    'DNS',
    'DNS',
    'NETBIOS',
    'AGENT',
    'AGENT',
    'AGENT',
    'EC2'
];
const NETWORK_NAMES = ['DMZ Frankfurt', 'Retail Stores', 'Lab Network'];
const DAY = 86_400;

/** Epoch seconds a host's results were first processed: within the 30 days before the tenant start. */
export function initialProcessedAt(seed: number, hostId: number, startSec: number): number {
    return startSec - 600 - (hash(seed, hostId, 0x1a) % (30 * DAY));
}

/** Builds the scan event of `advance` for a host processed at `processedAt`. */
export function scanEvent(seed: number, hostId: number, advance: number, processedAt: number): HostScanEvent {
    const h = hash(seed, hostId, advance, 0x1b);
    const agent = METHODS[hash(seed, hostId, 0x1c) % METHODS.length] === 'AGENT';
    return { advance, processedAt, scanEnd: processedAt - 60 - (h % 1800), duration: agent ? 0 : 30 + (h % 3300) };
}

function hex(value: number, digits: number): string {
    return value.toString(16).padStart(8, '0').slice(-digits);
}

/** Derives a host's attributes from the seed, its index/id and its scan history (which must not be empty). */
export function describeHost(seed: number, index: number, id: number, events: readonly HostScanEvent[]): SyntheticHost {
    const rng = new Rng(hash(seed, id, 0x1d));
    const trackingMethod = METHODS[hash(seed, id, 0x1c) % METHODS.length];
    const kind = rng.float();
    const windows = kind < 0.45;
    const os = windows ? rng.pick(WINDOWS_OS) : kind < 0.9 ? rng.pick(LINUX_OS) : rng.pick(OTHER_OS);
    const n = index + 1;
    const hostname = `${windows ? 'win' : 'srv'}${String(n).padStart(5, '0')}`;
    const domain = rng.pick(DOMAINS);
    const hasDns = trackingMethod !== 'IP' || rng.chance(0.75);
    const last = events[events.length - 1];
    const authenticated = trackingMethod !== 'AGENT' && rng.chance(0.6);
    const tagCount = [0, 0, 1, 1, 1, 2, 3, 4][rng.int(8)];
    const tagStart = rng.int(TAGS.length);
    const h1 = hash(seed, id, 0x2a);
    const h2 = hash(seed, id, 0x2b);
    const ip = `10.${(20 + (n >> 16)) & 255}.${(n >> 8) & 255}.${n & 255}`;
    // Drawn in this order since the first tenants were generated: changing it would change every tenant.
    const ipv6 = rng.chance(0.2) ? `fd00:${hex(h1, 4)}:${hex(h2, 4)}::${(n & 0xffff).toString(16)}` : undefined;
    const networkId = rng.chance(0.8) ? 0 : 183_452 + rng.int(3);
    return {
        index,
        id,
        assetId: 28_000_000 + index * 7 + (h1 % 7),
        ip,
        ipv6,
        trackingMethod,
        networkId,
        networkName: networkId === 0 ? 'Global Default Network' : NETWORK_NAMES[networkId - 183_452],
        os,
        dns: hasDns ? `${hostname}.${domain}` : undefined,
        // Some DNS_DATA blocks lack DOMAIN/FQDN (rendered as empty elements), as in real exports.
        dnsData: hasDns
            ? rng.chance(0.9)
                ? { hostname, domain, fqdn: `${hostname}.${domain}` }
                : { hostname }
            : undefined,
        netbios: windows && rng.chance(0.8) ? hostname.toUpperCase() : undefined,
        qgHostId:
            trackingMethod === 'AGENT'
                ? `${hex(h1, 8)}-${hex(h2, 4)}-4${hex(h1 >>> 7, 3)}-9${hex(h2 >>> 5, 3)}-${hex(h1 ^ h2, 8)}${hex(n, 4)}`
                : undefined,
        cloud: describeCloud(seed, id, index, trackingMethod, ip),
        emptyAssetGroupList: hash(seed, id, 0x2d) % 7 === 0,
        lastScanDatetime: last.processedAt,
        lastVmScannedDate: last.scanEnd,
        lastVmScannedDuration: last.duration,
        lastVmAuthScannedDate: authenticated ? last.scanEnd : undefined,
        lastVmAuthScannedDuration: authenticated ? last.duration : undefined,
        riskScore: rng.chance(0.1) ? rng.range(1, 1000) : undefined,
        tags: Array.from({ length: tagCount }, (_, i) => TAGS[(tagStart + i) % TAGS.length]),
        cdataOwnLine: rng.chance(0.1),
        events
    };
}
