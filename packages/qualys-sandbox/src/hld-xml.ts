import { METADATA_BLOCKS, type MetadataSelector } from './cloud-profile.js';
import type { SyntheticDetection } from './detection-model.js';
import { hash } from './hash.js';
import type { SyntheticHost } from './host-profile.js';
import { formatQualysDate as date } from './qualys-date.js';
import type { SyntheticTenant } from './synthetic-tenant.js';
import { cdata, cdataElement, escapeXml } from './xml-text.js';

/** Optional HLD output blocks, from the show_* request parameters. */
export interface HldShowOptions {
    results: boolean;
    qds: boolean;
    qdsFactors: boolean;
    tags: boolean;
    reopenedInfo: boolean;
    assetId: boolean;
    /** `host_metadata`: which cloud metadata blocks to include; undefined for none. */
    metadata?: MetadataSelector;
    /** `show_cloud_tags=1`. */
    cloudTags: boolean;
    /** The request went to `/api/5.0/`: detections carry the 5.0 fields. */
    v5: boolean;
}

const H = '        ';
const D = '            ';
const MATURITY = ['Weaponized', 'Poc', 'Unproven'];
/** MITRE ATT&CK tactic and technique pairs some QIDs map to (API 5.0). */
const ATTACKS: readonly (readonly [string, string, string, string])[] = [
    ['TA0008', 'lateral-movement', 'T1210', 'Exploitation of Remote Services'],
    ['TA0004', 'privilege-escalation', 'T1068', 'Exploitation for Privilege Escalation'],
    ['TA0001', 'initial-access', 'T1190', 'Exploit Public-Facing Application'],
    ['TA0002', 'execution', 'T1203', 'Exploitation for Client Execution']
];

function qdsSeverity(qds: number): string {
    return qds >= 90 ? 'CRITICAL' : qds >= 70 ? 'HIGH' : qds >= 40 ? 'MEDIUM' : 'LOW';
}

function qdsFactorsXml(tenant: SyntheticTenant, d: SyntheticDetection): string {
    const h = hash(tenant.seed, d.qid, 0x9d5);
    const factor = (name: string, value: string): string =>
        `${D}  <QDS_FACTOR name="${name}">${cdata(value)}</QDS_FACTOR>\n`;
    let xml = `${D}<QDS_FACTORS>\n`;
    xml += factor('CVSS', (tenant.kb.cvss3x10[d.kbIndex] / 10).toFixed(1));
    xml += factor('CVSS_version', 'v3.x');
    if (h % 2 === 0) xml += factor('CVSS_vector', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    xml += factor('epss', `0.${String(h % 99_999).padStart(5, '0')}`);
    if (h % 3 === 0) xml += factor('exploit_maturity', MATURITY[h % MATURITY.length]);
    if (h % 4 === 0) xml += factor('RTI', 'Exploit_Public,Remote_Code_Execution');
    if (h % 7 === 0) xml += factor('CISA_vuln', 'YES');
    if (h % 5 === 0) xml += factor('trending', `${date(tenant.nowSec() - (h % 30) * 86_400).slice(0, 10)}`);
    return xml + `${D}</QDS_FACTORS>\n`;
}

/** Renders one DETECTION element (field order as in real output). */
export function detectionXml(
    tenant: SyntheticTenant,
    d: SyntheticDetection,
    show: HldShowOptions,
    ownLine: boolean,
    agent = false
): string {
    let xml = `${D.slice(2)}<DETECTION>\n`;
    xml += `${D}<UNIQUE_VULN_ID>${d.uniqueVulnId}</UNIQUE_VULN_ID>\n${D}<QID>${d.qid}</QID>\n`;
    xml += `${D}<TYPE>${d.type}</TYPE>\n${D}<SEVERITY>${d.severity}</SEVERITY>\n`;
    if (d.port !== undefined) xml += `${D}<PORT>${d.port}</PORT>\n${D}<PROTOCOL>${d.protocol}</PROTOCOL>\n`;
    if (d.fqdn !== undefined) xml += cdataElement(D, 'FQDN', d.fqdn);
    xml += `${D}<SSL>${d.ssl ? 1 : 0}</SSL>\n`;
    if (show.results) xml += cdataElement(D, 'RESULTS', tenant.results(d), ownLine);
    if (!d.datesOmitted) {
        xml += `${D}<STATUS>${d.status}</STATUS>\n`;
        xml += `${D}<FIRST_FOUND_DATETIME>${date(d.firstFound)}</FIRST_FOUND_DATETIME>\n`;
        xml += `${D}<LAST_FOUND_DATETIME>${date(d.lastFound)}</LAST_FOUND_DATETIME>\n`;
    }
    if (show.qds && d.qds !== undefined) xml += `${D}<QDS severity="${qdsSeverity(d.qds)}">${d.qds}</QDS>\n`;
    if (show.qdsFactors && d.qds !== undefined) xml += qdsFactorsXml(tenant, d);
    xml += `${D}<TIMES_FOUND>${d.timesFound}</TIMES_FOUND>\n`;
    if (d.datesOmitted) return xml + `${D.slice(2)}</DETECTION>\n`;
    xml += `${D}<LAST_TEST_DATETIME>${date(d.lastTest)}</LAST_TEST_DATETIME>\n`;
    xml += `${D}<LAST_UPDATE_DATETIME>${date(d.lastUpdate)}</LAST_UPDATE_DATETIME>\n`;
    if (d.lastFixed !== undefined) xml += `${D}<LAST_FIXED_DATETIME>${date(d.lastFixed)}</LAST_FIXED_DATETIME>\n`;
    if (show.reopenedInfo && d.firstReopened !== undefined && d.lastReopened !== undefined) {
        xml += `${D}<FIRST_REOPENED_DATETIME>${date(d.firstReopened)}</FIRST_REOPENED_DATETIME>\n`;
        xml += `${D}<LAST_REOPENED_DATETIME>${date(d.lastReopened)}</LAST_REOPENED_DATETIME>\n`;
        xml += `${D}<TIMES_REOPENED>${d.timesReopened}</TIMES_REOPENED>\n`;
    }
    xml += `${D}<IS_IGNORED>${d.isIgnored ? 1 : 0}</IS_IGNORED>\n${D}<IS_DISABLED>${d.isDisabled ? 1 : 0}</IS_DISABLED>\n`;
    if (d.extension) {
        // Not in any DTD: consumers must skip elements they do not know instead of failing.
        xml += `${D}<EXTENDED_ATTRIBUTES>\n${D}  <ATTRIBUTE name="exposure">${cdata('internet-facing')}</ATTRIBUTE>\n${D}</EXTENDED_ATTRIBUTES>\n`;
    }
    xml += `${D}<LAST_PROCESSED_DATETIME>${date(d.lastProcessed)}</LAST_PROCESSED_DATETIME>\n`;
    if (show.v5) xml += v5DetectionXml(tenant, d, agent);
    return xml + `${D.slice(2)}</DETECTION>\n`;
}

/**
 * The detection fields of API 5.0: the host's CVEs of the QID (all of the KnowledgeBase's, or all but the last
 * on some hosts), the sensors that found it, MITRE ATT&CK for some QIDs, and the TruRisk Elimination status.
 */
function v5DetectionXml(tenant: SyntheticTenant, d: SyntheticDetection, agent: boolean): string {
    let xml = '';
    const cves = tenant.kb.cveIds(d.kbIndex);
    const own = cves.length > 1 && hash(tenant.seed, d.hostId, d.qid, 0x9d6) % 3 === 0 ? cves.slice(0, -1) : cves;
    if (own.length > 0) {
        xml += `${D}<CVE_LIST>\n`;
        for (const cve of own) xml += `${D}  <CVE>${cdata(cve)}</CVE>\n`;
        xml += `${D}</CVE_LIST>\n`;
    }
    const both = hash(tenant.seed, d.hostId, d.slot, 0x9d7) % 5 === 0;
    const latest = agent ? 'Cloud Agent' : 'Internal Scanner';
    const sources = both ? 'Cloud Agent,Internal Scanner' : latest;
    xml += `${D}<VULNERABILITY_DETECTION_SOURCES>${cdata(sources)}</VULNERABILITY_DETECTION_SOURCES>\n`;
    xml += `${D}<LATEST_VULNERABILITY_DETECTION_SOURCE>${cdata(latest)}</LATEST_VULNERABILITY_DETECTION_SOURCE>\n`;
    const a = hash(tenant.seed, d.qid, 0x9d8);
    if (a % 4 === 0) {
        const pairs = [ATTACKS[a % ATTACKS.length], ATTACKS[(a >>> 3) % ATTACKS.length]].filter(
            (pair, index, all) => all.indexOf(pair) === index
        );
        const list = (part: number): string => cdata(pairs.map(pair => pair[part]).join(','));
        xml += `${D}<MITRE_TACTIC_ID>${list(0)}</MITRE_TACTIC_ID>\n${D}<MITRE_TACTIC_NAME>${list(1)}</MITRE_TACTIC_NAME>\n`;
        xml += `${D}<MITRE_TECHNIQUE_ID>${list(2)}</MITRE_TECHNIQUE_ID>\n${D}<MITRE_TECHNIQUE_NAME>${list(3)}</MITRE_TECHNIQUE_NAME>\n`;
    }
    xml += `${D}<TRURISK_ELIMINATION_STATUS>${d.status === 'Fixed' ? 'FIXED' : 'OPEN'}</TRURISK_ELIMINATION_STATUS>\n`;
    return xml;
}

/** Renders one HOST element with its (already filtered, non-empty) detections. */
export function hostXml(
    tenant: SyntheticTenant,
    host: SyntheticHost,
    detections: readonly SyntheticDetection[],
    show: HldShowOptions
): string {
    const own = host.cdataOwnLine;
    let xml = `      <HOST>\n${H}<ID>${host.id}</ID>\n`;
    if (show.assetId) xml += `${H}<ASSET_ID>${host.assetId}</ASSET_ID>\n`;
    xml += `${H}<IP>${host.ip}</IP>\n`;
    if (host.ipv6) xml += `${H}<IPV6>${host.ipv6}</IPV6>\n`;
    xml += `${H}<TRACKING_METHOD>${host.trackingMethod}</TRACKING_METHOD>\n${H}<NETWORK_ID>${host.networkId}</NETWORK_ID>\n`;
    xml += cdataElement(H, 'NETWORK_NAME', host.networkName);
    xml += cdataElement(H, 'OS', host.os, own);
    xml += cdataElement(H, 'DNS', host.dns, own);
    if (host.dnsData) {
        xml += `${H}<DNS_DATA>\n${cdataElement(`${H}  `, 'HOSTNAME', host.dnsData.hostname)}`;
        xml += host.dnsData.domain ? cdataElement(`${H}  `, 'DOMAIN', host.dnsData.domain) : `${H}  <DOMAIN />\n`;
        xml += host.dnsData.fqdn ? cdataElement(`${H}  `, 'FQDN', host.dnsData.fqdn) : `${H}  <FQDN />\n`;
        xml += `${H}</DNS_DATA>\n`;
    }
    if (host.cloud) {
        xml += `${H}<CLOUD_PROVIDER>${escapeXml(host.cloud.provider)}</CLOUD_PROVIDER>\n`;
        xml += `${H}<CLOUD_SERVICE>${escapeXml(host.cloud.service)}</CLOUD_SERVICE>\n`;
        xml += `${H}<CLOUD_RESOURCE_ID>${cdata(host.cloud.resourceId)}</CLOUD_RESOURCE_ID>\n`;
        if (host.cloud.instanceId) xml += `${H}<EC2_INSTANCE_ID>${cdata(host.cloud.instanceId)}</EC2_INSTANCE_ID>\n`;
    }
    xml += cdataElement(H, 'NETBIOS', host.netbios, own);
    xml += cdataElement(H, 'QG_HOSTID', host.qgHostId);
    xml += `${H}<LAST_SCAN_DATETIME>${date(host.lastScanDatetime)}</LAST_SCAN_DATETIME>\n`;
    xml += `${H}<LAST_VM_SCANNED_DATE>${date(host.lastVmScannedDate)}</LAST_VM_SCANNED_DATE>\n`;
    xml += `${H}<LAST_VM_SCANNED_DURATION>${host.lastVmScannedDuration}</LAST_VM_SCANNED_DURATION>\n`;
    if (host.lastVmAuthScannedDate !== undefined) {
        xml += `${H}<LAST_VM_AUTH_SCANNED_DATE>${date(host.lastVmAuthScannedDate)}</LAST_VM_AUTH_SCANNED_DATE>\n`;
        xml += `${H}<LAST_VM_AUTH_SCANNED_DURATION>${host.lastVmAuthScannedDuration}</LAST_VM_AUTH_SCANNED_DURATION>\n`;
    }
    if (host.riskScore !== undefined) xml += `${H}<ASSET_RISK_SCORE>${host.riskScore}</ASSET_RISK_SCORE>\n`;
    if (host.emptyAssetGroupList) xml += `${H}<ASSET_GROUP_LIST />\n`;
    if (show.tags && host.tags.length > 0) {
        xml += `${H}<TAGS>\n`;
        for (const tag of host.tags) {
            xml += `${H}  <TAG>\n${H}    <TAG_ID>${tag.id}</TAG_ID>\n${cdataElement(`${H}    `, 'NAME', tag.name)}`;
            if (tag.color) xml += `${H}    <COLOR>${escapeXml(tag.color)}</COLOR>\n`;
            if (tag.backgroundColor)
                xml += `${H}    <BACKGROUND_COLOR>${escapeXml(tag.backgroundColor)}</BACKGROUND_COLOR>\n`;
            xml += `${H}  </TAG>\n`;
        }
        xml += `${H}</TAGS>\n`;
    }
    xml += cloudXml(host, show);
    xml += `${H}<DETECTION_LIST>\n`;
    const agent = host.trackingMethod === 'AGENT';
    for (const d of detections) xml += detectionXml(tenant, d, show, own && d.slot % 2 === 0, agent);
    return xml + `${H}</DETECTION_LIST>\n      </HOST>\n`;
}

/** `METADATA` (with `host_metadata`) and `CLOUD_PROVIDER_TAGS` (with `show_cloud_tags=1`) of a cloud host. */
function cloudXml(host: SyntheticHost, show: HldShowOptions): string {
    const cloud = host.cloud;
    if (cloud === undefined) return '';
    let xml = '';
    if (show.metadata === 'all' || (show.metadata !== undefined && METADATA_BLOCKS[show.metadata] === cloud.block)) {
        xml += `${H}<METADATA>\n${H}  <${cloud.block}>\n`;
        for (const attribute of cloud.attributes) {
            const at = date(host.lastScanDatetime - 3600);
            xml += `${H}    <ATTRIBUTE>\n${cdataElement(`${H}      `, 'NAME', attribute.name)}`;
            xml += `${H}      <LAST_STATUS>${attribute.status}</LAST_STATUS>\n`;
            if (attribute.status === 'Success') {
                xml += cdataElement(`${H}      `, 'VALUE', attribute.value);
                xml += `${H}      <LAST_SUCCESS_DATE>${at}</LAST_SUCCESS_DATE>\n${H}      <LAST_ERROR_DATE />\n${H}      <LAST_ERROR />\n`;
            } else {
                xml += `${H}      <VALUE />\n${H}      <LAST_SUCCESS_DATE />\n`;
                xml += `${H}      <LAST_ERROR_DATE>${at}</LAST_ERROR_DATE>\n${H}      <LAST_ERROR>${cdata('404 - Not Found')}</LAST_ERROR>\n`;
            }
            xml += `${H}    </ATTRIBUTE>\n`;
        }
        xml += `${H}  </${cloud.block}>\n${H}</METADATA>\n`;
    }
    if (show.cloudTags) {
        xml += `${H}<CLOUD_PROVIDER_TAGS>\n`;
        for (const tag of cloud.tags) {
            xml += `${H}  <CLOUD_TAG>\n${cdataElement(`${H}    `, 'NAME', tag.name)}${cdataElement(`${H}    `, 'VALUE', tag.value)}`;
            xml += `${H}    <LAST_SUCCESS_DATE>${date(host.lastScanDatetime - 3600)}</LAST_SUCCESS_DATE>\n${H}  </CLOUD_TAG>\n`;
        }
        xml += `${H}</CLOUD_PROVIDER_TAGS>\n`;
    }
    return xml;
}
