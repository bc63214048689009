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
}

const H = '        ';
const D = '            ';
const MATURITY = ['Weaponized', 'Poc', 'Unproven'];

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
    xml += factor('epss', `0.${String(h % 99_999).padStart(5, '0')}`);
    if (h % 3 === 0) xml += factor('exploit_maturity', MATURITY[h % MATURITY.length]);
    if (h % 4 === 0) xml += factor('RTI', 'Exploit_Public,Remote_Code_Execution');
    if (h % 5 === 0) xml += factor('trending', `${date(tenant.nowSec() - (h % 30) * 86_400).slice(0, 10)}`);
    return xml + `${D}</QDS_FACTORS>\n`;
}

/** Renders one DETECTION element (field order as in real output). */
export function detectionXml(
    tenant: SyntheticTenant,
    d: SyntheticDetection,
    show: HldShowOptions,
    ownLine: boolean
): string {
    let xml = `${D.slice(2)}<DETECTION>\n`;
    xml += `${D}<UNIQUE_VULN_ID>${d.uniqueVulnId}</UNIQUE_VULN_ID>\n${D}<QID>${d.qid}</QID>\n`;
    xml += `${D}<TYPE>${d.type}</TYPE>\n${D}<SEVERITY>${d.severity}</SEVERITY>\n`;
    if (d.port !== undefined) xml += `${D}<PORT>${d.port}</PORT>\n${D}<PROTOCOL>${d.protocol}</PROTOCOL>\n`;
    if (d.fqdn !== undefined) xml += cdataElement(D, 'FQDN', d.fqdn);
    xml += `${D}<SSL>${d.ssl ? 1 : 0}</SSL>\n`;
    if (show.results) xml += cdataElement(D, 'RESULTS', tenant.results(d), ownLine);
    xml += `${D}<STATUS>${d.status}</STATUS>\n`;
    xml += `${D}<FIRST_FOUND_DATETIME>${date(d.firstFound)}</FIRST_FOUND_DATETIME>\n`;
    xml += `${D}<LAST_FOUND_DATETIME>${date(d.lastFound)}</LAST_FOUND_DATETIME>\n`;
    if (show.qds && d.qds !== undefined) xml += `${D}<QDS severity="${qdsSeverity(d.qds)}">${d.qds}</QDS>\n`;
    if (show.qdsFactors && d.qds !== undefined) xml += qdsFactorsXml(tenant, d);
    xml += `${D}<TIMES_FOUND>${d.timesFound}</TIMES_FOUND>\n`;
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
    return xml + `${D.slice(2)}</DETECTION>\n`;
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
    xml += cdataElement(H, 'OS', host.os, own);
    xml += cdataElement(H, 'DNS', host.dns, own);
    if (host.dnsData) {
        xml += `${H}<DNS_DATA>\n${cdataElement(`${H}  `, 'HOSTNAME', host.dnsData.hostname)}`;
        xml += host.dnsData.domain ? cdataElement(`${H}  `, 'DOMAIN', host.dnsData.domain) : `${H}  <DOMAIN />\n`;
        xml += host.dnsData.fqdn ? cdataElement(`${H}  `, 'FQDN', host.dnsData.fqdn) : `${H}  <FQDN />\n`;
        xml += `${H}</DNS_DATA>\n`;
    }
    if (host.cloud) {
        xml += `${H}<CLOUD_PROVIDER>${host.cloud.provider}</CLOUD_PROVIDER>\n${H}<CLOUD_SERVICE>${host.cloud.service}</CLOUD_SERVICE>\n`;
        xml += `${H}<CLOUD_RESOURCE_ID>${cdata(host.cloud.resourceId)}</CLOUD_RESOURCE_ID>\n`;
        xml += `${H}<EC2_INSTANCE_ID>${cdata(host.cloud.instanceId)}</EC2_INSTANCE_ID>\n`;
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
    xml += `${H}<DETECTION_LIST>\n`;
    for (const d of detections) xml += detectionXml(tenant, d, show, own && d.slot % 2 === 0);
    return xml + `${H}</DETECTION_LIST>\n      </HOST>\n`;
}
