import type { KnowledgeBaseVuln } from './knowledge-base.js';
import { formatQualysDate as date } from './qualys-date.js';
import { cdata, cdataElement } from './xml-text.js';

/** KnowledgeBase `details` levels. */
export type KbDetails = 'Basic' | 'All' | 'None';

const V = '        ';

/**
 * Renders one VULN element. `Basic` keeps identification, dates, CVE/CVSS and discovery; `All` adds software,
 * vendor references, the HTML DIAGNOSIS/CONSEQUENCE/SOLUTION texts, threat intelligence and correlation.
 */
export function vulnXml(vuln: KnowledgeBaseVuln, details: Exclude<KbDetails, 'None'>): string {
    const all = details === 'All';
    let xml = `      <VULN>\n${V}<QID>${vuln.qid}</QID>\n${V}<VULN_TYPE>${vuln.vulnType}</VULN_TYPE>\n`;
    xml += `${V}<SEVERITY_LEVEL>${vuln.severity}</SEVERITY_LEVEL>\n${cdataElement(V, 'TITLE', vuln.title)}`;
    xml += `${V}<CATEGORY>${vuln.category}</CATEGORY>\n`;
    xml += `${V}<LAST_SERVICE_MODIFICATION_DATETIME>${date(vuln.lastModified)}</LAST_SERVICE_MODIFICATION_DATETIME>\n`;
    xml += `${V}<PUBLISHED_DATETIME>${date(vuln.published)}</PUBLISHED_DATETIME>\n`;
    xml += `${V}<PATCHABLE>${vuln.patchable ? 1 : 0}</PATCHABLE>\n`;
    if (all && vuln.software.length > 0) {
        xml += `${V}<SOFTWARE_LIST>\n`;
        for (const sw of vuln.software) {
            xml += `${V}  <SOFTWARE>\n${cdataElement(`${V}    `, 'PRODUCT', sw.product)}${cdataElement(`${V}    `, 'VENDOR', sw.vendor)}${V}  </SOFTWARE>\n`;
        }
        xml += `${V}</SOFTWARE_LIST>\n`;
    }
    if (all && vuln.vendorReferences.length > 0) {
        xml += `${V}<VENDOR_REFERENCE_LIST>\n`;
        for (const ref of vuln.vendorReferences) {
            xml += `${V}  <VENDOR_REFERENCE>\n${cdataElement(`${V}    `, 'ID', ref.id)}${cdataElement(`${V}    `, 'URL', ref.url)}${V}  </VENDOR_REFERENCE>\n`;
        }
        xml += `${V}</VENDOR_REFERENCE_LIST>\n`;
    }
    if (vuln.cves.length > 0) {
        xml += `${V}<CVE_LIST>\n`;
        for (const cve of vuln.cves) {
            xml += `${V}  <CVE>\n${cdataElement(`${V}    `, 'ID', cve.id)}${cdataElement(`${V}    `, 'URL', cve.url)}${V}  </CVE>\n`;
        }
        xml += `${V}</CVE_LIST>\n`;
    }
    if (all) {
        xml += cdataElement(V, 'DIAGNOSIS', vuln.diagnosis, vuln.qid % 5 === 0);
        xml += cdataElement(V, 'CONSEQUENCE', vuln.consequence);
        xml += cdataElement(V, 'SOLUTION', vuln.solution);
        if (vuln.threatIntel.some(t => t.id === 2)) {
            xml += `${V}<CORRELATION>\n${V}  <EXPLOITS>\n${V}    <EXPLT_SRC>\n${V}      <SRC_NAME>${cdata('The Exploit-DB')}</SRC_NAME>\n`;
            xml += `${V}      <EXPLT_LIST>\n${V}        <EXPLT>\n${V}          <REF>${cdata(vuln.cves[0]?.id ?? `QID-${vuln.qid}`)}</REF>\n`;
            xml += `${V}          <DESC>${cdata('Proof of concept & exploit module')}</DESC>\n${V}        </EXPLT>\n${V}      </EXPLT_LIST>\n`;
            xml += `${V}    </EXPLT_SRC>\n${V}  </EXPLOITS>\n${V}</CORRELATION>\n`;
        }
    }
    if (vuln.cvss) {
        xml += `${V}<CVSS>\n${V}  <BASE source="service">${vuln.cvss.base}</BASE>\n${V}  <TEMPORAL>${vuln.cvss.temporal}</TEMPORAL>\n`;
        xml += `${V}  <VECTOR_STRING>${vuln.cvss.vector}</VECTOR_STRING>\n${V}</CVSS>\n`;
    }
    if (vuln.cvss3) {
        xml += `${V}<CVSS_V3>\n${V}  <BASE>${vuln.cvss3.base}</BASE>\n${V}  <TEMPORAL>${vuln.cvss3.temporal}</TEMPORAL>\n`;
        xml += `${V}  <VECTOR_STRING>${vuln.cvss3.vector}</VECTOR_STRING>\n${V}  <CVSS3_VERSION>3.1</CVSS3_VERSION>\n${V}</CVSS_V3>\n`;
    }
    xml += `${V}<PCI_FLAG>${vuln.pciFlag ? 1 : 0}</PCI_FLAG>\n`;
    if (all && vuln.threatIntel.length > 0) {
        xml += `${V}<THREAT_INTELLIGENCE>\n`;
        for (const t of vuln.threatIntel) xml += `${V}  <THREAT_INTEL id="${t.id}">${cdata(t.label)}</THREAT_INTEL>\n`;
        xml += `${V}</THREAT_INTELLIGENCE>\n`;
    }
    xml += `${V}<DISCOVERY>\n${V}  <REMOTE>${vuln.discovery.remote ? 1 : 0}</REMOTE>\n`;
    if (vuln.discovery.authTypes.length > 0) {
        xml += `${V}  <AUTH_TYPE_LIST>\n`;
        for (const auth of vuln.discovery.authTypes) xml += `${V}    <AUTH_TYPE>${auth}</AUTH_TYPE>\n`;
        xml += `${V}  </AUTH_TYPE_LIST>\n`;
    }
    xml += `${V}</DISCOVERY>\n`;
    if (vuln.isDisabled) xml += `${V}<IS_DISABLED>1</IS_DISABLED>\n`;
    return xml + '      </VULN>\n';
}
