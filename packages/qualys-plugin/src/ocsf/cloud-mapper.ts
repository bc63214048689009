import type { QualysCloudMetadata, QualysHost } from '../model/index.js';
import type { OcsfAccount, OcsfCloud } from './ocsf-vulnerability-finding.js';

/** What a host's cloud metadata says about the instance, in OCSF terms. */
export interface CloudFacts {
    cloud?: OcsfCloud;
    instanceUid?: string;
    mac?: string;
    publicIp?: string;
}

/** The metadata facts the mapper uses; each is read from the first attribute, in document order, that has it. */
type Fact = 'region' | 'zone' | 'account' | 'projectName' | 'instance' | 'mac' | 'publicIp';

/*
 * Attribute names per fact, after dropping the instance-metadata path prefixes the providers use
 * (`latest/meta-data/`, `latest/dynamic/instance-identity/document/`, `compute/`) and lower-casing. EC2 and GCP
 * names are those seen in public Qualys responses; the Azure (IMDS `compute/…`, `network/…`) and Alibaba Cloud
 * (`region-id`, `owner-account-id`, `eipv4`…) names follow those providers' own metadata services.
 */
const FACT_NAMES: ReadonlyMap<string, Fact> = new Map([
    ['region', 'region'],
    ['placement/region', 'region'],
    ['location', 'region'],
    ['region-id', 'region'],
    ['availabilityzone', 'zone'],
    ['placement/availability-zone', 'zone'],
    ['zone', 'zone'],
    ['zone-id', 'zone'],
    ['accountid', 'account'],
    ['subscriptionid', 'account'],
    ['owner-account-id', 'account'],
    ['projectidno', 'account'],
    ['projectid', 'projectName'],
    ['instanceid', 'instance'],
    ['instance-id', 'instance'],
    ['vmid', 'instance'],
    ['mac', 'mac'],
    ['macaddress', 'mac'],
    ['network/interface/0/macaddress', 'mac'],
    ['public-ipv4', 'publicIp'],
    ['publicipaddress', 'publicIp'],
    ['eipv4', 'publicIp'],
    ['network/interface/0/ipv4/ipaddress/0/publicipaddress', 'publicIp']
]);

const PREFIXES = ['latest/meta-data/', 'latest/dynamic/instance-identity/document/', 'meta-data/', 'compute/'];

/** Provider per metadata block, for hosts whose CLOUD_PROVIDER is missing. */
const BLOCK_PROVIDERS: ReadonlyMap<string, string> = new Map([
    ['EC2', 'AWS'],
    ['AZURE', 'Azure'],
    ['GOOGLE', 'GCP'],
    ['GCP', 'GCP'],
    ['ALICLOUD', 'Alibaba Cloud']
]);

/** OCSF account type of each provider's account (AWS account, Azure subscription, GCP project). */
const ACCOUNT_TYPES: readonly { pattern: RegExp; typeId: number; type: string }[] = [
    { pattern: /^(aws|amazon|ec2)/i, typeId: 10, type: 'AWS Account' },
    { pattern: /^(gcp|google)/i, typeId: 11, type: 'GCP Project' },
    { pattern: /^(azure|microsoft)/i, typeId: 13, type: 'Azure Subscription' }
];

/**
 * Maps a host's cloud provider and instance metadata (`METADATA/EC2|AZURE|GOOGLE|ALICLOUD`) to OCSF `cloud`
 * (provider, region, zone, account, GCP project) and to the device facts the metadata adds (instance id, MAC,
 * public IPv4). Only attributes Qualys read successfully count. `cloud` is left out when no provider is known.
 */
export function mapCloud(host: QualysHost): CloudFacts {
    const facts = readFacts(host.cloudMetadata ?? []);
    const provider = host.cloudProvider || providerOfBlocks(host.cloudMetadata);
    const out: CloudFacts = {};
    if (facts.instance) out.instanceUid = facts.instance;
    const mac = facts.mac === undefined ? undefined : macAddress(facts.mac);
    if (mac) out.mac = mac;
    if (facts.publicIp) out.publicIp = facts.publicIp;
    if (!provider) return out;

    const cloud: OcsfCloud = { provider };
    const zone = facts.zone === undefined ? undefined : lastSegment(facts.zone);
    const region = facts.region ?? regionOfZone(provider, zone);
    if (region) cloud.region = region;
    if (zone) cloud.zone = zone;
    const accountUid = facts.account ?? facts.projectName;
    if (accountUid) cloud.account = accountOf(provider, accountUid, facts.projectName);
    if (facts.projectName && /^(gcp|google)/i.test(provider)) cloud.project_uid = facts.projectName;
    out.cloud = cloud;
    return out;
}

function readFacts(blocks: readonly QualysCloudMetadata[]): Partial<Record<Fact, string>> {
    const facts: Partial<Record<Fact, string>> = {};
    for (const block of blocks) {
        for (const attribute of block.attributes) {
            if (!attribute.value || (attribute.lastStatus && attribute.lastStatus.toLowerCase() !== 'success'))
                continue;
            const fact = FACT_NAMES.get(normalisedName(attribute.name));
            if (fact !== undefined) facts[fact] ??= attribute.value;
        }
    }
    return facts;
}

function normalisedName(name: string): string {
    let normalised = name.trim().toLowerCase();
    for (const prefix of PREFIXES) {
        if (normalised.startsWith(prefix)) normalised = normalised.slice(prefix.length);
    }
    return normalised;
}

function providerOfBlocks(blocks: readonly QualysCloudMetadata[] | undefined): string | undefined {
    for (const block of blocks ?? []) {
        const provider = BLOCK_PROVIDERS.get(block.source.toUpperCase());
        if (provider !== undefined) return provider;
    }
    return undefined;
}

/**
 * A MAC address as OCSF writes it (six hex pairs joined by `:` or `-`); Azure's metadata service sends the twelve
 * digits without separators. Undefined for anything else (the raw value stays in the host artifact).
 */
function macAddress(value: string): string | undefined {
    const text = value.trim();
    if (/^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/.test(text)) return text;
    if (/^[0-9A-Fa-f]{12}$/.test(text)) return text.match(/../g)!.join(':').toLowerCase();
    return undefined;
}

/** GCP sends zones as `projects/123/zones/us-central1-a`. */
function lastSegment(value: string): string {
    const slash = value.lastIndexOf('/');
    return slash < 0 ? value : value.slice(slash + 1);
}

/** A region is its zone without the zone letter (`us-east-1a`, `us-central1-a`), where providers name them so. */
function regionOfZone(provider: string, zone: string | undefined): string | undefined {
    if (zone === undefined) return undefined;
    if (/^(aws|amazon)/i.test(provider)) return /^([a-z]{2}(-[a-z]+)+-\d+)[a-z]$/.exec(zone)?.[1];
    if (/^(gcp|google)/i.test(provider)) return /^([a-z]+-[a-z]+\d+)-[a-z]$/.exec(zone)?.[1];
    return undefined;
}

function accountOf(provider: string, uid: string, name: string | undefined): OcsfAccount {
    const known = ACCOUNT_TYPES.find(candidate => candidate.pattern.test(provider));
    const account: OcsfAccount = known
        ? { uid, type_id: known.typeId, type: known.type }
        : { uid, type_id: 99, type: `${provider} account` };
    if (name && name !== uid) account.name = name;
    return account;
}
