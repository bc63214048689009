import { ConnectorError } from '@signal-connectors/connector-sdk';
import type { ParsedHost, QualysDetection, QualysHost, QualysTag, UnmappedFields } from '../model/index.js';
import { type FieldKind, readField } from './field-values.js';
import { addUnmapped, elementText, keepUnmapped, type XmlElement } from './xml-element.js';

type Target = Record<string, unknown>;
type Field<T> = readonly [key: keyof T & string, kind: FieldKind];

/**
 * Element name -> model field. Every element name is a new string, which a Map would hash on each lookup;
 * comparing it with the one or two names of the same length is cheaper, and this runs for every element read.
 */
class FieldTable<T> {
    private readonly byLength: (readonly [string, Field<T>])[][] = [];

    constructor(entries: readonly (readonly [string, Field<T>])[]) {
        for (const entry of entries) (this.byLength[entry[0].length] ??= []).push(entry);
    }

    get(name: string): Field<T> | undefined {
        const candidates = this.byLength[name.length];
        if (candidates === undefined) return undefined;
        for (const [candidate, field] of candidates) if (candidate === name) return field;
        return undefined;
    }
}

/** HOST children that are plain values; containers (DNS_DATA, TAGS, DETECTION_LIST) are handled in code. */
const HOST_FIELDS = new FieldTable<QualysHost>([
    ['ID', ['id', 'number']],
    ['ASSET_ID', ['assetId', 'number']],
    ['IP', ['ip', 'text']],
    ['IPV6', ['ipv6', 'text']],
    ['TRACKING_METHOD', ['trackingMethod', 'text']],
    ['NETWORK_ID', ['networkId', 'text']],
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
    ['ASSET_CVE', ['assetCve', 'text']]
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
        else keepUnmapped(container(hostUnmapped, element.name), child);
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
            keepUnmapped(container(unmapped, element.name), child);
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
            keepUnmapped(container(hostUnmapped, element.name), child);
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

/** A container of plain values (DNS_DATA, TAG): the values it holds and, as plain data, the rest. */
function mapRecord<T>(
    element: XmlElement,
    fields: FieldTable<T>
): { record: Partial<T>; mapped: boolean; rest: UnmappedFields } {
    const record: Target = {};
    let mapped = false;
    const rest: UnmappedFields = element.attributes === undefined ? {} : { $: { ...element.attributes } };
    for (const child of element.children ?? []) {
        const field = fields.get(child.name);
        if (field === undefined) keepUnmapped(rest, child);
        else mapped = readScalar(record, rest, child, field[0], field[1]) || mapped;
    }
    return { record: record as Partial<T>, mapped, rest };
}

/** Reads one value element; returns whether it produced a value. */
function readScalar(
    target: Target,
    unmapped: UnmappedFields,
    element: XmlElement,
    key: string,
    kind: FieldKind
): boolean {
    const text = elementText(element);
    const value = target[key] === undefined ? readField(kind, text) : undefined;
    if (value !== undefined) target[key] = value;
    // Keep what the model cannot hold: an unreadable or repeated value, attributes, nested elements.
    if ((value === undefined && text !== '') || element.attributes !== undefined || element.children !== undefined) {
        keepUnmapped(unmapped, element);
    }
    return value !== undefined;
}

/** The object under `unmapped[name]` that collects a mapped container's unknown parts. */
function container(unmapped: UnmappedFields, name: string): UnmappedFields {
    const existing = unmapped[name];
    if (typeof existing === 'object' && existing !== null && !Array.isArray(existing))
        return existing as UnmappedFields;
    const created: UnmappedFields = {};
    addUnmapped(unmapped, name, created);
    return created;
}
