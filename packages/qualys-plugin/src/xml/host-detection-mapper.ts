import { ConnectorError } from '@signal-connectors/connector-sdk';
import type { ParsedHost, QualysDetection, QualysHost, QualysTag, UnmappedFields } from '../model/index.js';
import { mapCloudMetadata, mapCloudTags } from './cloud-metadata-mapper.js';
import { isDetectionListElement, mapDetectionListElement } from './detection-extension-mapper.js';
import { readField } from './field-values.js';
import { container, FieldTable, keepUnmappedIn, mapRecord, readScalar, type Target } from './record-fields.js';
import { addUnmapped, elementText, keepUnmapped, type XmlElement } from './xml-element.js';

/**
 * HOST children that are plain values; containers (DNS_DATA, TAGS, METADATA, CLOUD_PROVIDER_TAGS,
 * DETECTION_LIST) are handled in code.
 */
const HOST_FIELDS = new FieldTable<QualysHost>([
    ['ID', ['id', 'number']],
    ['ASSET_ID', ['assetId', 'number']],
    ['IP', ['ip', 'text']],
    ['IPV6', ['ipv6', 'text']],
    ['TRACKING_METHOD', ['trackingMethod', 'text']],
    ['NETWORK_ID', ['networkId', 'text']],
    ['NETWORK_NAME', ['networkName', 'text']],
    ['OS', ['os', 'text']],
    ['OS_CPE', ['osCpe', 'text']],
    ['DNS', ['dns', 'text']],
    ['NETBIOS', ['netbios', 'text']],
    ['QG_HOSTID', ['qgHostId', 'text']],
    ['CLOUD_PROVIDER', ['cloudProvider', 'text']],
    ['CLOUD_SERVICE', ['cloudService', 'text']],
    ['CLOUD_RESOURCE_ID', ['cloudResourceId', 'text']],
    ['EC2_INSTANCE_ID', ['ec2InstanceId', 'text']],
    ['LAST_SCAN_DATETIME', ['lastScanDatetime', 'text']],
    ['LAST_VM_SCANNED_DATE', ['lastVmScannedDate', 'text']],
    ['LAST_VM_SCANNED_DURATION', ['lastVmScannedDuration', 'number']],
    ['LAST_VM_AUTH_SCANNED_DATE', ['lastVmAuthScannedDate', 'text']],
    ['LAST_VM_AUTH_SCANNED_DURATION', ['lastVmAuthScannedDuration', 'number']],
    ['LAST_PC_SCANNED_DATE', ['lastPcScannedDate', 'text']]
]);

/** DETECTION children that are plain values; QDS and QDS_FACTORS are handled in code. */
const DETECTION_FIELDS = new FieldTable<QualysDetection>([
    ['UNIQUE_VULN_ID', ['uniqueVulnId', 'text']],
    ['QID', ['qid', 'number']],
    ['TYPE', ['type', 'text']],
    ['SEVERITY', ['severity', 'number']],
    ['PORT', ['port', 'number']],
    ['PROTOCOL', ['protocol', 'text']],
    ['FQDN', ['fqdn', 'text']],
    ['SSL', ['ssl', 'flag']],
    ['INSTANCE', ['instance', 'text']],
    ['RESULTS', ['results', 'text']],
    ['STATUS', ['status', 'text']],
    ['FIRST_FOUND_DATETIME', ['firstFound', 'text']],
    ['LAST_FOUND_DATETIME', ['lastFound', 'text']],
    ['TIMES_FOUND', ['timesFound', 'number']],
    ['LAST_TEST_DATETIME', ['lastTest', 'text']],
    ['LAST_UPDATE_DATETIME', ['lastUpdate', 'text']],
    ['LAST_FIXED_DATETIME', ['lastFixed', 'text']],
    ['FIRST_REOPENED_DATETIME', ['firstReopened', 'text']],
    ['LAST_REOPENED_DATETIME', ['lastReopened', 'text']],
    ['TIMES_REOPENED', ['timesReopened', 'number']],
    ['SERVICE', ['service', 'text']],
    ['IS_IGNORED', ['isIgnored', 'flag']],
    ['IS_DISABLED', ['isDisabled', 'flag']],
    ['AFFECT_RUNNING_KERNEL', ['affectRunningKernel', 'text']],
    ['AFFECT_RUNNING_SERVICE', ['affectRunningService', 'text']],
    ['AFFECT_EXPLOITABLE_CONFIG', ['affectExploitableConfig', 'text']],
    ['LAST_PROCESSED_DATETIME', ['lastProcessed', 'text']],
    ['ASSET_CVE', ['assetCve', 'text']],
    ['LATEST_VULNERABILITY_DETECTION_SOURCE', ['latestDetectionSource', 'text']],
    ['TRURISK_ELIMINATION_STATUS', ['truriskEliminationStatus', 'text']]
]);

const TAG_FIELDS = new FieldTable<QualysTag>([
    ['TAG_ID', ['id', 'text']],
    ['NAME', ['name', 'text']],
    ['COLOR', ['color', 'text']],
    ['BACKGROUND_COLOR', ['backgroundColor', 'text']]
]);

const DNS_DATA_FIELDS = new FieldTable<NonNullable<QualysHost['dnsData']>>([
    ['HOSTNAME', ['hostname', 'text']],
    ['DOMAIN', ['domain', 'text']],
    ['FQDN', ['fqdn', 'text']]
]);

/**
 * Maps a complete HOST element to the typed model. Elements the model does not name, values it cannot read
 * (e.g. `null` where a number belongs) and unexpected attributes land in `unmapped`; unknown parts of a mapped
 * container land under the container's name there (e.g. `unmapped.DNS_DATA`).
 * @param hostsBefore hosts already read from this response, for error messages.
 */
export function mapHost(element: XmlElement, hostsBefore: number): ParsedHost {
    const host: Target = {};
    const unmapped: UnmappedFields = {};
    const detections: QualysDetection[] = [];
    if (element.attributes !== undefined) unmapped.$ = { ...element.attributes };
    for (const child of element.children ?? []) {
        const field = HOST_FIELDS.get(child.name);
        if (field !== undefined) readScalar(host, unmapped, child, field[0], field[1]);
        else if (child.name === 'DETECTION_LIST') mapDetectionList(child, detections, unmapped);
        else if (child.name === 'TAGS')
            host.tags = [...((host.tags as QualysTag[]) ?? []), ...mapTags(child, unmapped)];
        else if (child.name === 'DNS_DATA') mapDnsData(child, host, unmapped);
        else if (child.name === 'METADATA') appendTo(host, 'cloudMetadata', mapCloudMetadata(child, unmapped));
        else if (child.name === 'CLOUD_PROVIDER_TAGS') appendTo(host, 'cloudTags', mapCloudTags(child, unmapped));
        else keepUnmapped(unmapped, child);
    }
    host.tags ??= [];
    host.unmapped = unmapped;
    if (!Number.isInteger(host.id)) {
        throw new ConnectorError('protocol', `Qualys sent a HOST without a numeric ID after ${hostsBefore} hosts`, {
            hint: 'retry later; if it persists, report the response to the connector maintainers'
        });
    }
    for (const detection of detections) {
        if (!Number.isInteger(detection.qid)) {
            throw new ConnectorError('protocol', `Qualys sent a DETECTION without a numeric QID on host ${host.id}`, {
                hint: 'retry later; if it persists, report the response to the connector maintainers'
            });
        }
    }
    return { host: host as unknown as QualysHost, detections };
}

function mapDetectionList(element: XmlElement, detections: QualysDetection[], hostUnmapped: UnmappedFields): void {
    if (element.attributes !== undefined) container(hostUnmapped, element.name).$ = { ...element.attributes };
    for (const child of element.children ?? []) {
        if (child.name === 'DETECTION') detections.push(mapDetection(child));
        else keepUnmappedIn(hostUnmapped, element.name, child);
    }
}

/** Maps one DETECTION element; see {@link mapHost} for where unmodelled content goes. */
export function mapDetection(element: XmlElement): QualysDetection {
    const detection: Target = {};
    const factors: Record<string, string> = {};
    const unmapped: UnmappedFields = {};
    if (element.attributes !== undefined) unmapped.$ = { ...element.attributes };
    for (const child of element.children ?? []) {
        const field = DETECTION_FIELDS.get(child.name);
        if (field !== undefined) {
            readScalar(detection, unmapped, child, field[0], field[1]);
            if (child.cutFrom !== undefined && field[0] === 'results') {
                detection.resultsCut = { originalLength: child.cutFrom };
            }
        } else if (child.name === 'QDS') mapQds(child, detection, unmapped);
        else if (child.name === 'QDS_FACTORS') mapQdsFactors(child, factors, unmapped);
        else if (isDetectionListElement(child.name)) mapDetectionListElement(child, detection, unmapped);
        else keepUnmapped(unmapped, child);
    }
    detection.type ??= '';
    detection.ssl ??= false;
    detection.qdsFactors = factors;
    detection.unmapped = unmapped;
    return detection as unknown as QualysDetection;
}

/** `<QDS severity="HIGH">72</QDS>` -> `{ score: 72, severity: 'HIGH' }`. */
function mapQds(element: XmlElement, detection: Target, unmapped: UnmappedFields): void {
    const score = readField('number', elementText(element));
    const severity = element.attributes?.severity;
    if (typeof score === 'number') detection.qds = severity === undefined ? { score } : { score, severity };
    if (score === undefined || hasOtherAttributes(element, 'severity') || element.children !== undefined) {
        keepUnmapped(unmapped, element);
    }
}

/** `QDS_FACTORS/QDS_FACTOR name=...` -> record; a factor without a name is kept in `unmapped.QDS_FACTORS`. */
function mapQdsFactors(element: XmlElement, factors: Record<string, string>, unmapped: UnmappedFields): void {
    if (element.attributes !== undefined) container(unmapped, element.name).$ = { ...element.attributes };
    for (const child of element.children ?? []) {
        const name = child.attributes?.name;
        if (child.name === 'QDS_FACTOR' && name !== undefined && child.children === undefined) {
            const value = elementText(child);
            // Assigned where possible (one per detection adds up); `__proto__` must be defined to stay data.
            if (name !== '__proto__') factors[name] = value;
            else Object.defineProperty(factors, name, { value, enumerable: true, writable: true, configurable: true });
        } else {
            keepUnmappedIn(unmapped, element.name, child);
        }
    }
}

/** True when the element has an attribute other than `known`. */
function hasOtherAttributes(element: XmlElement, known: string): boolean {
    for (const name in element.attributes) if (name !== known) return true;
    return false;
}

function mapTags(element: XmlElement, hostUnmapped: UnmappedFields): QualysTag[] {
    const tags: QualysTag[] = [];
    if (element.attributes !== undefined) container(hostUnmapped, element.name).$ = { ...element.attributes };
    for (const child of element.children ?? []) {
        if (child.name !== 'TAG') {
            keepUnmappedIn(hostUnmapped, element.name, child);
            continue;
        }
        const { record, rest } = mapRecord(child, TAG_FIELDS);
        tags.push({ ...record, name: record.name ?? '' });
        // A tag's unknown parts keep its TAG_ID beside them, so they can be told apart.
        if (Object.keys(rest).length > 0) {
            addUnmapped(container(hostUnmapped, element.name), 'TAG', { TAG_ID: record.id, ...rest });
        }
    }
    return tags;
}

function mapDnsData(element: XmlElement, host: Target, hostUnmapped: UnmappedFields): void {
    const { record, mapped, rest } = mapRecord(element, DNS_DATA_FIELDS);
    for (const [name, value] of Object.entries(rest)) addUnmapped(container(hostUnmapped, element.name), name, value);
    if (mapped) host.dnsData = record;
}

/** Appends `items` to a list property of the model, leaving it absent when there is nothing to add. */
function appendTo(target: Target, key: string, items: readonly unknown[]): void {
    if (items.length > 0) target[key] = [...((target[key] as unknown[] | undefined) ?? []), ...items];
}
