import { ConnectorError } from '@signal-connectors/connector-sdk';
import type { QualysScan, UnmappedFields } from '../model/index.js';
import { parseQualysRecordList } from './qualys-record-list.js';
import { addUnmapped } from './xml-element.js';
import { keepAll, mapElement, textOf, type Xml2jsFieldTable, type Xml2jsValue } from './xml2js-document.js';

/** A parsed scan list response (`SCAN_LIST_OUTPUT`). */
export interface ScanListResponse {
    scans: QualysScan[];
    responseDatetime?: string;
    /** The WARNING URL, should Qualys ever page a scan list. */
    warningUrl?: string;
}

const SCAN_FIELDS: Xml2jsFieldTable = new Map([
    ['REF', ['ref', 'text']],
    ['ID', ['id', 'text']],
    ['SCAN_TYPE', ['scanType', 'text']],
    ['TYPE', ['type', 'text']],
    ['TITLE', ['title', 'text']],
    ['USER_LOGIN', ['userLogin', 'text']],
    ['LAUNCH_DATETIME', ['launchDatetime', 'text']],
    ['DURATION', ['duration', 'text']],
    ['PROCESSING_PRIORITY', ['processingPriority', 'text']],
    ['PROCESSED', ['processed', 'flag']],
    ['TARGET', ['target', 'text']]
]);

const STATUS_FIELDS: Xml2jsFieldTable = new Map([
    ['STATE', ['state', 'text']],
    ['SUB_STATE', ['subState', 'text']]
]);

const OPTION_PROFILE_FIELDS: Xml2jsFieldTable = new Map([
    ['TITLE', ['title', 'text']],
    ['DEFAULT_FLAG', ['isDefault', 'flag']]
]);

/**
 * Parses a scan list response (it lists the scans of a time range), record by record. Elements the model
 * does not name (e.g. CLIENT) go to `unmapped`, unknown parts of STATUS, OPTION_PROFILE and
 * ASSET_GROUP_TITLE_LIST under those names there. A `SIMPLE_RETURN` root throws its mapped ConnectorError;
 * other failures are `protocol` ConnectorErrors.
 */
export async function parseScanList(xml: string): Promise<ScanListResponse> {
    const { records, ...rest } = await parseQualysRecordList(
        xml,
        { root: 'SCAN_LIST_OUTPUT', list: 'SCAN_LIST', item: 'SCAN', document: 'scan list' },
        mapScan
    );
    return { scans: records, ...rest };
}

function mapScan(value: Xml2jsValue): QualysScan {
    const scan: Record<string, unknown> = {};
    const unmapped: UnmappedFields = {};
    mapElement(typeof value === 'object' ? value : {}, SCAN_FIELDS, scan, unmapped, {
        STATUS: values => mapPart('STATUS', values, STATUS_FIELDS, scan, unmapped),
        OPTION_PROFILE: values => {
            const profile: Record<string, unknown> = {};
            if (mapPart('OPTION_PROFILE', values, OPTION_PROFILE_FIELDS, profile, unmapped))
                scan.optionProfile = profile;
        },
        ASSET_GROUP_TITLE_LIST: values => (scan.assetGroups = assetGroups(values, unmapped))
    });
    scan.assetGroups ??= [];
    scan.unmapped = unmapped;
    if (typeof scan.ref !== 'string') {
        throw new ConnectorError('protocol', 'Qualys sent a SCAN without a REF', {
            hint: 'retry later; if it persists, report the response to the connector maintainers'
        });
    }
    return scan as unknown as QualysScan;
}

/** Maps a nested element's plain values into `target`; the rest goes to `unmapped[name]`. */
function mapPart(
    name: string,
    values: Xml2jsValue[],
    fields: Xml2jsFieldTable,
    target: Record<string, unknown>,
    unmapped: UnmappedFields
): boolean {
    const rest: UnmappedFields = {};
    let mapped = false;
    for (const value of values) {
        if (typeof value === 'object') mapped = mapElement(value, fields, target, rest) || mapped;
        else if (value.trim() !== '') keepAll(rest, '_', [value]);
    }
    if (Object.keys(rest).length > 0) addUnmapped(unmapped, name, rest);
    return mapped;
}

function assetGroups(values: Xml2jsValue[], unmapped: UnmappedFields): string[] {
    const titles: string[] = [];
    const rest: UnmappedFields = {};
    for (const list of values) {
        if (typeof list !== 'object') continue;
        for (const [name, content] of Object.entries(list)) {
            if (name === 'ASSET_GROUP_TITLE') {
                for (const title of content as Xml2jsValue[]) if (textOf(title) !== '') titles.push(textOf(title));
            } else if (name === '$') rest.$ = { ...(content as Record<string, string>) };
            else if (name !== '_') keepAll(rest, name, content as Xml2jsValue[]);
        }
    }
    if (Object.keys(rest).length > 0) addUnmapped(unmapped, 'ASSET_GROUP_TITLE_LIST', rest);
    return titles;
}
