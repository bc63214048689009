import { type ApiContext, beginXml, nextPageQuery } from './api-context.js';
import { METADATA_BLOCKS, type MetadataSelector } from './cloud-profile.js';
import { compileFilter, type DetectionFilter } from './detection-filter.js';
import type { DetectionStatus } from './detection-model.js';
import { type HldShowOptions, hostXml } from './hld-xml.js';
import { type HostileFault, hostileDoctype } from './hostile-content.js';
import { formatQualysDate } from './qualys-date.js';
import { ParamError, type RequestParams } from './request-params.js';
import {
    declaresEntities,
    deepNesting,
    entityReference,
    hugeSize,
    writeFiller,
    writeHugeSkipped
} from './hostile-content.js';
import type { ResponseStream } from './response-stream.js';
import { CONFIDENTIAL_COMMENT, doctype, XML_DECLARATION } from './simple-return.js';
import { cdata, escapeXml } from './xml-text.js';

/**
 * Every documented HLD parameter. Those not implemented (CSV options, tag/ARF/search-list filters, ips...) are
 * accepted and ignored, like a real server would accept them; anything else is answered with 1901.
 */
export const HLD_PARAMETERS: ReadonlySet<string> = new Set(
    (
        'action echo_request truncation_limit id_min id_max ids output_format suppress_duplicated_data_from_csv ' +
        'show_results show_igs include_vuln_type show_reopened_info status severities qids include_ignored ' +
        'include_disabled filter_superseded_qids include_search_list_titles include_search_list_ids ' +
        'exclude_search_list_titles exclude_search_list_ids arf_kernel_filter arf_service_filter arf_config_filter ' +
        'active_kernels_only show_qds show_qds_factors qds_min qds_max detection_updated_since ' +
        'detection_updated_before detection_processed_after detection_processed_before detection_last_tested_since ' +
        'detection_last_tested_since_days detection_last_tested_before detection_last_tested_before_days ' +
        'max_days_since_detection_updated ips ipv6 ag_ids ag_titles network_ids vm_scan_since no_vm_scan_since ' +
        'max_days_since_last_vm_scan vm_processed_after vm_processed_before vm_scan_date_after vm_scan_date_before ' +
        'vm_auth_scan_date_after vm_auth_scan_date_before compliance_enabled os_pattern use_tags tag_set_by ' +
        'tag_include_selector tag_exclude_selector tag_set_include tag_set_exclude show_tags show_asset_id ' +
        'host_metadata host_metadata_fields show_cloud_tags cloud_tag_fields vuln_detection_source'
    ).split(' ')
);

const STATUSES: readonly DetectionStatus[] = ['New', 'Active', 'Fixed', 'Re-Opened'];
const OUTPUT_FORMATS = ['XML', 'CSV', 'CSV_NO_METADATA', 'CSV_MS_EXCEL', 'CSV_NO_METADATA_MS_EXCEL'];
const KEEP_ALIVE_EVERY = 20;

/** `host_metadata`: `all` or one provider (`ec2`, `azure`, `google`, `alicloud`); 1905 for anything else. */
function metadataSelector(params: RequestParams): MetadataSelector | undefined {
    const value = params.get('host_metadata')?.toLowerCase();
    if (value === undefined) return undefined;
    if (value === 'all' || Object.hasOwn(METADATA_BLOCKS, value)) return value as MetadataSelector;
    throw params.invalid('host_metadata', value, 'expected all, ec2, azure, google or alicloud');
}

/** A parsed HLD request. */
export interface HldQuery {
    filter: DetectionFilter;
    /** Hosts per page; 0 = no limit. */
    truncationLimit: number;
    show: HldShowOptions;
    echoRequest: boolean;
}

/** Validates and parses HLD parameters; throws ParamError (1901/1903/1905) like the real API. */
export function parseHldQuery(params: RequestParams): HldQuery {
    params.rejectUnknown(HLD_PARAMETERS);
    params.requireListAction();
    const format = params.get('output_format');
    if (format !== undefined && format.toUpperCase() !== 'XML') {
        const reason = OUTPUT_FORMATS.includes(format.toUpperCase())
            ? 'only XML output is available here'
            : 'unsupported value';
        throw params.invalid('output_format', format, reason);
    }
    const vulnType = params.get('include_vuln_type');
    if (vulnType !== undefined && vulnType !== 'confirmed' && vulnType !== 'potential') {
        throw params.invalid('include_vuln_type', vulnType, 'expected confirmed or potential');
    }
    const severities = params.ranges('severities')?.flatMap(({ min, max }) => {
        if (max > 5) throw params.invalid('severities', params.get('severities') ?? '', 'severities range from 1 to 5');
        return Array.from({ length: max - min + 1 }, (_, i) => min + i);
    });
    const date = (name: string): string | undefined => {
        const sec = params.date(name);
        return sec === undefined ? undefined : formatQualysDate(sec);
    };
    const filter: DetectionFilter = {
        vmProcessedAfter: date('vm_processed_after'),
        vmProcessedBefore: date('vm_processed_before'),
        statuses: params.enumList('status', STATUSES),
        includeIgs: params.flag('show_igs', false),
        includeIgnored: params.flag('include_ignored', false),
        includeDisabled: params.flag('include_disabled', false),
        idMin: params.int('id_min', 1, 0xffffffff),
        idMax: params.int('id_max', 1, 0xffffffff),
        ids: params.ranges('ids'),
        severities,
        qids: params.ranges('qids'),
        vulnType: vulnType as 'confirmed' | 'potential' | undefined,
        detectionUpdatedSince: date('detection_updated_since'),
        detectionUpdatedBefore: date('detection_updated_before'),
        detectionProcessedAfter: date('detection_processed_after'),
        detectionProcessedBefore: date('detection_processed_before'),
        qdsMin: params.int('qds_min', 1, 100),
        qdsMax: params.int('qds_max', 1, 100)
    };
    return {
        filter,
        truncationLimit: params.int('truncation_limit', 0, 1_000_000) ?? 1000,
        echoRequest: params.flag('echo_request', false),
        show: {
            results: params.flag('show_results', true),
            qds: params.flag('show_qds', false),
            qdsFactors: params.flag('show_qds_factors', false),
            tags: params.flag('show_tags', false),
            reopenedInfo: params.flag('show_reopened_info', false),
            assetId: params.flag('show_asset_id', false),
            metadata: metadataSelector(params),
            cloudTags: params.flag('show_cloud_tags', false),
            v5: false
        }
    };
}

function requestEcho(ctx: ApiContext, datetime: string): string {
    let xml = `  <REQUEST>\n    <DATETIME>${datetime}</DATETIME>\n    <USER_LOGIN>${escapeXml(ctx.username)}</USER_LOGIN>\n`;
    xml += `    <RESOURCE>${escapeXml(ctx.baseUrl + ctx.path)}</RESOURCE>\n    <PARAM_LIST>\n`;
    for (const [key, value] of Object.entries(ctx.params.toRecord())) {
        xml += `      <PARAM>\n        <KEY>${escapeXml(key)}</KEY>\n        <VALUE>${cdata(value)}</VALUE>\n      </PARAM>\n`;
    }
    return xml + '    </PARAM_LIST>\n  </REQUEST>\n';
}

/**
 * The first host of a page under a hostile fault: with the entity reference and the deep nesting after its ID, or
 * with its first RESULTS replaced by a huge text node. Resolves false when the client went away.
 */
async function writeHostileHost(out: ResponseStream, xml: string, hostile: HostileFault): Promise<boolean> {
    const afterId = xml.indexOf('</ID>\n') + '</ID>\n'.length;
    const host =
        xml.slice(0, afterId) + entityReference(hostile, '        ') + deepNesting(hostile) + xml.slice(afterId);
    if (hostile.type !== 'huge-text') {
        out.write(host);
        return true;
    }
    const open = host.indexOf('<RESULTS>');
    const [head, tail] =
        open >= 0
            ? [host.slice(0, open + '<RESULTS>'.length), host.slice(host.indexOf('</RESULTS>', open))]
            : [
                  host.slice(0, host.indexOf('<STATUS>')) + '<RESULTS>',
                  '</RESULTS>\n' + host.slice(host.indexOf('<STATUS>'))
              ];
    out.write(head);
    if (!(await writeFiller(out, hugeSize(hostile)))) return false;
    out.write(tail);
    return true;
}

/**
 * Host List Detection: streams HOST_LIST_VM_DETECTION_OUTPUT host by host. Hosts without matching detections
 * are skipped; when more matching hosts remain after `truncation_limit` hosts, a 1980 WARNING carries the next
 * page's URL (`id_min` = last host id + 1).
 */
export async function handleHostDetections(ctx: ApiContext): Promise<void> {
    const query = parseHldQuery(ctx.params);
    query.show.v5 = ctx.path.startsWith('/api/5.0/');
    if (
        query.filter.idMin !== undefined &&
        query.filter.idMax !== undefined &&
        query.filter.idMin > query.filter.idMax
    ) {
        throw new ParamError(
            1905,
            `parameter id_max has invalid value: ${query.filter.idMax} (must not be lower than id_min)`
        );
    }
    const filter = compileFilter(query.filter);
    const { tenant, record } = ctx;
    const datetime = formatQualysDate(tenant.nowSec());
    const { hostile } = ctx;
    const out = beginXml(ctx);
    const standard = doctype(
        'HOST_LIST_VM_DETECTION_OUTPUT',
        ctx.baseUrl,
        '/api/2.0/fo/asset/host/vm/detection/host_list_vm_detection_output.dtd'
    );
    out.write(XML_DECLARATION + hostileDoctype(hostile, 'HOST_LIST_VM_DETECTION_OUTPUT', standard));
    out.write('<HOST_LIST_VM_DETECTION_OUTPUT>\n');
    if (query.echoRequest) out.write(requestEcho(ctx, datetime));
    out.write(`  <RESPONSE>\n    <DATETIME>${datetime}</DATETIME>\n`);
    if (await out.fireFaultIfDue()) return;
    if (!(await writeHugeSkipped(out, hostile))) return;
    const limit = query.truncationLimit;
    let lastId = 0;
    let more = false;
    for (const index of tenant.hostIndexes(filter)) {
        const events = tenant.hostEvents(index);
        const detections = tenant.matchingDetections(index, filter, events);
        if (detections.length === 0) continue;
        // A page that declares entities ends after one host, without a WARNING: it looks like the last page.
        if (declaresEntities(hostile) && record.hostsWritten >= 1) break;
        if (limit > 0 && record.hostsWritten >= limit) {
            more = true;
            break;
        }
        if (record.hostsWritten === 0) out.write('    <HOST_LIST>\n');
        const xml = hostXml(tenant, tenant.host(index, events), detections, query.show);
        if (record.hostsWritten > 0 || hostile === undefined) out.write(xml);
        else if (!(await writeHostileHost(out, xml, hostile))) return;
        lastId = tenant.hostIdAt(index);
        record.hostsWritten = record.records = record.hostsWritten + 1;
        // Real servers emit keep-alive comments while a long document is produced; parsers must skip them.
        if (record.hostsWritten % KEEP_ALIVE_EVERY === 0)
            out.write('<!-- keep-alive for HOST_LIST_VM_DETECTION_OUTPUT -->\n');
        if (!(await out.endRecord())) return;
    }
    let closing = record.hostsWritten > 0 ? '    </HOST_LIST>\n' : '';
    if (more) {
        const url = `${ctx.baseUrl}${ctx.path}?${nextPageQuery(ctx.params, lastId + 1)}`;
        closing +=
            `    <WARNING>\n      <CODE>1980</CODE>\n      <TEXT>${limit} record limit exceeded. Use URL to get next batch of results.</TEXT>\n` +
            `      <URL>${cdata(url)}</URL>\n    </WARNING>\n`;
    }
    closing += '  </RESPONSE>\n</HOST_LIST_VM_DETECTION_OUTPUT>\n' + CONFIDENTIAL_COMMENT;
    record.completed = await out.end(closing);
}
