/**
 * Builders of the Qualys XML documents the poll specs reply with: host detection pages (with or without the
 * pagination WARNING), KnowledgeBase lists, scan lists and SIMPLE_RETURN errors. They write only the elements
 * the poll reads, in the order real responses use, so a spec states its scenario in a line or two.
 */

/** One DETECTION of a scripted host. */
export interface DetectionSpec {
    qid: number;
    status?: 'New' | 'Active' | 'Re-Opened' | 'Fixed';
    port?: number;
    severity?: number;
    /** LAST_UPDATE_DATETIME; it versions the finding artifact (default 2024-05-13T22:41:09Z). */
    lastUpdate?: string;
    results?: string;
}

/** One HOST of a scripted host detection page. */
export interface HostSpec {
    id: number;
    ip?: string;
    detections: DetectionSpec[];
}

/** How a host detection page ends: the last page has no WARNING. */
export interface PageEnd {
    /** `id_min` of the WARNING URL (the next page); omitted means the last page. */
    nextIdMin?: number;
    /** A WARNING with this raw URL instead (e.g. one without `id_min`). */
    warningUrl?: string;
    /** A WARNING with CODE and TEXT but no URL at all. */
    warningWithoutUrl?: boolean;
    /** RESPONSE/DATETIME. */
    datetime?: string;
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" ?>\n';
const DEFAULT_UPDATE = '2024-05-13T22:41:09Z';

/** `count` hosts with ids `firstId`, `firstId + 1`, ..., each with the given QIDs as Active detections. */
export function hostsRange(firstId: number, count: number, qids: number[] = [38794]): HostSpec[] {
    return Array.from({ length: count }, (_, i) => ({
        id: firstId + i,
        ip: `10.20.${Math.floor(i / 250)}.${(i % 250) + 1}`,
        detections: qids.map(qid => ({ qid }))
    }));
}

/** A `HOST_LIST_VM_DETECTION_OUTPUT` page. */
export function hldPage(hosts: HostSpec[], end: PageEnd = {}): string {
    let xml =
        XML_DECLARATION +
        '<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/host_list_vm_detection_output.dtd">\n' +
        `<HOST_LIST_VM_DETECTION_OUTPUT>\n  <RESPONSE>\n    <DATETIME>${end.datetime ?? '2024-05-14T08:12:03Z'}</DATETIME>\n`;
    if (hosts.length > 0) xml += `    <HOST_LIST>\n${hosts.map(hostXml).join('')}    </HOST_LIST>\n`;
    const url =
        end.warningUrl ??
        (end.nextIdMin === undefined
            ? undefined
            : `https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/?action=list&truncation_limit=${hosts.length}&id_min=${end.nextIdMin}`);
    if (url !== undefined || end.warningWithoutUrl) {
        xml +=
            '    <WARNING>\n      <CODE>1980</CODE>\n' +
            `      <TEXT>${hosts.length} record limit exceeded. Use URL to get next batch of results.</TEXT>\n` +
            (url === undefined ? '' : `      <URL><![CDATA[${url}]]></URL>\n`) +
            '    </WARNING>\n';
    }
    return (
        xml + '  </RESPONSE>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n<!-- CONFIDENTIAL AND PROPRIETARY INFORMATION. -->\n'
    );
}

/** The text of a page up to (and including) its `hostsKept`-th HOST: what a response cut short delivers. */
export function truncatedHldPage(hosts: HostSpec[], hostsKept: number): string {
    const full = hldPage(hosts, { nextIdMin: (hosts.at(-1)?.id ?? 0) + 1 });
    let end = 0;
    for (let i = 0; i < hostsKept; i++) end = full.indexOf('</HOST>', end) + '</HOST>'.length;
    // Cut inside the next element, as a dropped connection would, not at a tidy boundary.
    return full.slice(0, end + 30);
}

function hostXml(host: HostSpec): string {
    const detections = host.detections.map(detectionXml).join('');
    return (
        `      <HOST>\n        <ID>${host.id}</ID>\n        <IP>${host.ip ?? '10.0.0.1'}</IP>\n` +
        '        <TRACKING_METHOD>IP</TRACKING_METHOD>\n' +
        `        <DETECTION_LIST>\n${detections}        </DETECTION_LIST>\n      </HOST>\n`
    );
}

function detectionXml(detection: DetectionSpec): string {
    const port = detection.port === undefined ? '' : `<PORT>${detection.port}</PORT><PROTOCOL>tcp</PROTOCOL>`;
    const results = detection.results === undefined ? '' : `<RESULTS><![CDATA[${detection.results}]]></RESULTS>`;
    return (
        `          <DETECTION><QID>${detection.qid}</QID><TYPE>Confirmed</TYPE>` +
        `<SEVERITY>${detection.severity ?? 3}</SEVERITY>${port}<SSL>0</SSL>${results}` +
        `<STATUS>${detection.status ?? 'Active'}</STATUS>` +
        `<LAST_UPDATE_DATETIME>${detection.lastUpdate ?? DEFAULT_UPDATE}</LAST_UPDATE_DATETIME></DETECTION>\n`
    );
}

/** One VULN of a scripted KnowledgeBase answer. */
export interface KbVulnSpec {
    qid: number;
    /** LAST_SERVICE_MODIFICATION_DATETIME: the version of the entry. */
    modified?: string;
    title?: string;
}

/** A `KNOWLEDGE_BASE_VULN_LIST_OUTPUT` with the given entries, long texts included (details=All). */
export function kbList(vulns: KbVulnSpec[]): string {
    const items = vulns
        .map(
            vuln =>
                `      <VULN>\n        <QID>${vuln.qid}</QID>\n        <VULN_TYPE>Vulnerability</VULN_TYPE>\n` +
                '        <SEVERITY_LEVEL>3</SEVERITY_LEVEL>\n' +
                `        <TITLE><![CDATA[${vuln.title ?? `Vulnerability ${vuln.qid}`}]]></TITLE>\n` +
                `        <LAST_SERVICE_MODIFICATION_DATETIME>${vuln.modified ?? '2024-03-02T12:01:15Z'}</LAST_SERVICE_MODIFICATION_DATETIME>\n` +
                '        <PUBLISHED_DATETIME>2020-03-31T20:48:19Z</PUBLISHED_DATETIME>\n        <PATCHABLE>1</PATCHABLE>\n' +
                `        <DIAGNOSIS><![CDATA[Diagnosis of ${vuln.qid}.]]></DIAGNOSIS>\n` +
                `        <SOLUTION><![CDATA[Patch ${vuln.qid}.]]></SOLUTION>\n        <DISCOVERY><REMOTE>1</REMOTE></DISCOVERY>\n      </VULN>\n`
        )
        .join('');
    return (
        XML_DECLARATION +
        '<KNOWLEDGE_BASE_VULN_LIST_OUTPUT>\n  <RESPONSE>\n    <DATETIME>2024-05-14T09:20:41Z</DATETIME>\n' +
        (items === '' ? '' : `    <VULN_LIST>\n${items}    </VULN_LIST>\n`) +
        '  </RESPONSE>\n</KNOWLEDGE_BASE_VULN_LIST_OUTPUT>\n'
    );
}

/** One SCAN of a scripted scan list. */
export interface ScanSpec {
    ref: string;
    /** Absent: a scan without a STATUS element. */
    state?: string;
    launched: string;
    processed?: boolean;
}

/** A `SCAN_LIST_OUTPUT` with the given scans. */
export function scanList(scans: ScanSpec[]): string {
    const items = scans
        .map(
            scan =>
                `      <SCAN>\n        <REF>${scan.ref}</REF>\n        <TYPE>Scheduled</TYPE>\n` +
                '        <TITLE><![CDATA[Weekly Internal - DC1]]></TITLE>\n        <USER_LOGIN>acme_ab12</USER_LOGIN>\n' +
                `        <LAUNCH_DATETIME>${scan.launched}</LAUNCH_DATETIME>\n` +
                `        <DURATION>${scan.state === 'Running' ? 'Running' : '01:41:09'}</DURATION>\n` +
                `        <PROCESSED>${scan.processed ? 1 : 0}</PROCESSED>\n` +
                (scan.state === undefined ? '' : `        <STATUS><STATE>${scan.state}</STATE></STATUS>\n`) +
                '        <TARGET><![CDATA[10.20.0.0-10.20.15.255]]></TARGET>\n      </SCAN>\n'
        )
        .join('');
    return (
        XML_DECLARATION +
        '<SCAN_LIST_OUTPUT>\n  <RESPONSE>\n    <DATETIME>2024-05-14T09:00:12Z</DATETIME>\n' +
        (items === '' ? '' : `    <SCAN_LIST>\n${items}    </SCAN_LIST>\n`) +
        '  </RESPONSE>\n</SCAN_LIST_OUTPUT>\n'
    );
}

/** A `SIMPLE_RETURN` error envelope, e.g. `simpleReturn(1965, '...', { SECONDS_TO_WAIT: '181' })`. */
export function simpleReturn(code: number, text: string, items: Record<string, string> = {}): string {
    const itemXml = Object.entries(items)
        .map(([key, value]) => `<ITEM><KEY>${key}</KEY><VALUE>${value}</VALUE></ITEM>`)
        .join('');
    return (
        XML_DECLARATION +
        '<!DOCTYPE SIMPLE_RETURN SYSTEM "https://qualysapi.qualys.com/api/2.0/simple_return.dtd">\n' +
        `<SIMPLE_RETURN><RESPONSE><DATETIME>2024-05-14T10:02:11Z</DATETIME><CODE>${code}</CODE><TEXT>${text}</TEXT>` +
        `${itemXml === '' ? '' : `<ITEM_LIST>${itemXml}</ITEM_LIST>`}</RESPONSE></SIMPLE_RETURN>\n`
    );
}
