import { ConnectorError } from '@signal-connectors/connector-sdk';
import type { KbVuln, QualysCvss, UnmappedFields } from '../model/index.js';
import { childText } from './child-text.js';
import { parseQualysRecordList } from './qualys-record-list.js';
import { addUnmapped } from './xml-element.js';
import { children, keepAll, mapElement, textOf, type Xml2jsFieldTable, type Xml2jsValue } from './xml2js-document.js';

/** A parsed KnowledgeBase response (`KNOWLEDGE_BASE_VULN_LIST_OUTPUT`). */
export interface KnowledgeBaseResponse {
    vulns: KbVuln[];
    responseDatetime?: string;
    /** The WARNING URL, should Qualys ever page a KnowledgeBase response. */
    warningUrl?: string;
}

const VULN_FIELDS: Xml2jsFieldTable = new Map([
    ['QID', ['qid', 'number']],
    ['VULN_TYPE', ['vulnType', 'text']],
    ['SEVERITY_LEVEL', ['severityLevel', 'number']],
    ['TITLE', ['title', 'text']],
    ['CATEGORY', ['category', 'text']],
    ['LAST_SERVICE_MODIFICATION_DATETIME', ['lastServiceModified', 'text']],
    ['PUBLISHED_DATETIME', ['published', 'text']],
    ['PATCHABLE', ['patchable', 'flag']],
    ['PCI_FLAG', ['pciFlag', 'flag']],
    ['DIAGNOSIS', ['diagnosis', 'text']],
    ['CONSEQUENCE', ['consequence', 'text']],
    ['SOLUTION', ['solution', 'text']]
]);

const CVSS_FIELDS: Xml2jsFieldTable = new Map([
    ['BASE', ['base', 'number']],
    ['TEMPORAL', ['temporal', 'number']],
    ['VECTOR_STRING', ['vector', 'text']],
    ['CVSS3_VERSION', ['version', 'text']]
]);

const SOFTWARE_FIELDS: Xml2jsFieldTable = new Map([
    ['PRODUCT', ['product', 'text']],
    ['VENDOR', ['vendor', 'text']]
]);

/**
 * Parses a KnowledgeBase response (one batch of QIDs), record by record. Long texts (DIAGNOSIS,
 * CONSEQUENCE, SOLUTION) stay as sent, HTML included. Elements the model does not name go to `unmapped`,
 * as do the parts of mapped containers it does not hold (CVSS sub-scores, a BASE `source` attribute, vendor
 * reference URLs); CVE URLs and THREAT_INTEL ids are not kept, being derived from the CVE id and the label.
 * A `SIMPLE_RETURN` root throws its mapped ConnectorError; other failures are `protocol` ConnectorErrors.
 */
export async function parseKnowledgeBase(xml: string): Promise<KnowledgeBaseResponse> {
    const { records, ...rest } = await parseQualysRecordList(
        xml,
        { root: 'KNOWLEDGE_BASE_VULN_LIST_OUTPUT', list: 'VULN_LIST', item: 'VULN', document: 'KnowledgeBase' },
        mapVuln
    );
    return { vulns: records, ...rest };
}

function mapVuln(value: Xml2jsValue): KbVuln {
    const element = typeof value === 'object' ? value : {};
    const vuln: Record<string, unknown> = {};
    const unmapped: UnmappedFields = {};
    mapElement(element, VULN_FIELDS, vuln, unmapped, {
        CVE_LIST: lists => (vuln.cves = listTexts('CVE_LIST', lists, 'CVE', itemId, unmapped)),
        VENDOR_REFERENCE_LIST: lists => {
            vuln.vendorReferences = listTexts('VENDOR_REFERENCE_LIST', lists, 'VENDOR_REFERENCE', itemId, {});
            // Vendor advisory URLs cannot be derived from the reference id, so the list is kept whole as well.
            keepAll(unmapped, 'VENDOR_REFERENCE_LIST', lists);
        },
        THREAT_INTELLIGENCE: lists =>
            (vuln.threatIntel = listTexts('THREAT_INTELLIGENCE', lists, 'THREAT_INTEL', textOf, unmapped)),
        SOFTWARE_LIST: lists => (vuln.software = mapSoftware(lists, unmapped)),
        CVSS: values => setDefined(vuln, 'cvss', mapCvss('CVSS', values, unmapped)),
        CVSS_V3: values => setDefined(vuln, 'cvssV3', mapCvss('CVSS_V3', values, unmapped))
    });
    vuln.cves ??= [];
    vuln.threatIntel ??= [];
    vuln.vendorReferences ??= [];
    vuln.software ??= [];
    vuln.unmapped = unmapped;
    if (!Number.isInteger(vuln.qid)) {
        throw new ConnectorError('protocol', 'Qualys sent a KnowledgeBase VULN without a numeric QID', {
            hint: 'retry later; if it persists, report the response to the connector maintainers'
        });
    }
    return vuln as unknown as KbVuln;
}

/** Sets a property only when there is a value, so absent data stays an absent key. */
function setDefined(target: Record<string, unknown>, key: string, value: unknown): void {
    if (value !== undefined) target[key] = value;
}

/**
 * The texts of the items of a list container (`CVE_LIST/CVE`); anything else found in the container is kept
 * under the container's name in `unmapped`.
 */
function listTexts(
    container: string,
    lists: Xml2jsValue[],
    itemName: string,
    read: (item: Xml2jsValue) => string | undefined,
    unmapped: UnmappedFields
): string[] {
    const texts: string[] = [];
    const rest: UnmappedFields = {};
    for (const list of lists) {
        if (typeof list !== 'object') continue;
        for (const [name, content] of Object.entries(list)) {
            if (name === itemName) {
                for (const item of content as Xml2jsValue[]) {
                    const text = read(item);
                    if (text !== undefined && text !== '') texts.push(text);
                }
            } else if (name === '$') rest.$ = { ...(content as Record<string, string>) };
            else if (name !== '_') keepAll(rest, name, content as Xml2jsValue[]);
        }
    }
    if (Object.keys(rest).length > 0) addUnmapped(unmapped, container, rest);
    return texts;
}

/** The ID of a list item (`CVE/ID`, `VENDOR_REFERENCE/ID`). */
function itemId(item: Xml2jsValue): string | undefined {
    return typeof item === 'object' ? childText(item, 'ID') : undefined;
}

function mapSoftware(lists: Xml2jsValue[], unmapped: UnmappedFields): KbVuln['software'] {
    const software: KbVuln['software'] = [];
    const rest: UnmappedFields = {};
    for (const list of lists) {
        for (const item of typeof list === 'object' ? children(list, 'SOFTWARE') : []) {
            const entry: Record<string, unknown> = {};
            if (typeof item === 'object') mapElement(item, SOFTWARE_FIELDS, entry, rest);
            software.push(entry as KbVuln['software'][number]);
        }
    }
    if (Object.keys(rest).length > 0) addUnmapped(unmapped, 'SOFTWARE_LIST', rest);
    return software;
}

/** CVSS or CVSS_V3: scores and vector; sub-scores and attributes (BASE `source`) go to `unmapped[name]`. */
function mapCvss(name: string, values: Xml2jsValue[], unmapped: UnmappedFields): QualysCvss | undefined {
    const cvss: Record<string, unknown> = {};
    const rest: UnmappedFields = {};
    let mapped = false;
    for (const value of values) {
        if (typeof value === 'object') mapped = mapElement(value, CVSS_FIELDS, cvss, rest) || mapped;
    }
    if (Object.keys(rest).length > 0) addUnmapped(unmapped, name, rest);
    if (name === 'CVSS_V3' && cvss.version === undefined && typeof cvss.vector === 'string') {
        const version = /^CVSS:(\d+(?:\.\d+)?)\//.exec(cvss.vector)?.[1];
        if (version !== undefined) cvss.version = version;
    }
    return mapped ? (cvss as QualysCvss) : undefined;
}
