import { type ApiContext, beginXml, nextPageQuery } from './api-context.js';
import { compileFilter } from './detection-filter.js';
import { formatQualysDate } from './qualys-date.js';
import type { RequestParams } from './request-params.js';
import { CONFIDENTIAL_COMMENT, doctype, XML_DECLARATION } from './simple-return.js';
import { cdata, cdataElement } from './xml-text.js';

/**
 * Documented Host List parameters; those not implemented (filters by IP, asset group, tags, scan dates...) are
 * accepted and ignored, like a real server accepts them; anything else is answered with 1901.
 */
export const HOST_LIST_PARAMETERS: ReadonlySet<string> = new Set(
    (
        'action echo_request details os_pattern truncation_limit ips ipv6 ag_ids ag_titles ids id_min id_max ' +
        'network_ids compliance_enabled no_vm_scan_since no_compliance_scan_since vm_scan_since ' +
        'compliance_scan_since vm_processed_before vm_processed_after vm_scan_date_before vm_scan_date_after ' +
        'vm_auth_scan_date_before vm_auth_scan_date_after scap_scan_since no_scap_scan_since use_tags tag_set_by ' +
        'tag_include_selector tag_exclude_selector tag_set_include tag_set_exclude show_tags show_asset_id ' +
        'show_cloud_tags cloud_tag_fields host_metadata host_metadata_fields show_trurisk show_ars'
    ).split(' ')
);

const DETAILS = ['None', 'Basic', 'All', 'Basic/AGs', 'All/AGs'];
const H = '        ';

/**
 * Host List (`/api/<v>/fo/asset/host/?action=list`): the subscription's hosts in ascending id order (purged hosts
 * are gone), `truncation_limit` per page (default 1000, 0 = all) with a 1980 WARNING whose URL carries the next
 * `id_min`. `details=None` answers an `ID_SET` of `ID`s and `ID_RANGE`s (runs of consecutive ids), which is what
 * a reconciliation needs; other details answer `HOST_LIST` with the basic host fields.
 */
export async function handleHostList(ctx: ApiContext): Promise<void> {
    const { params, tenant, record } = ctx;
    params.rejectUnknown(HOST_LIST_PARAMETERS);
    params.requireListAction();
    const details = detailsOf(params);
    const limit = params.int('truncation_limit', 0, 1_000_000) ?? 1000;
    const filter = compileFilter({
        idMin: params.int('id_min', 1, 0xffffffff),
        idMax: params.int('id_max', 1, 0xffffffff),
        ids: params.ranges('ids')
    });
    const out = beginXml(ctx);
    out.write(
        XML_DECLARATION + doctype('HOST_LIST_OUTPUT', ctx.baseUrl, '/api/2.0/fo/asset/host/host_list_output.dtd')
    );
    out.write(`<HOST_LIST_OUTPUT>\n  <RESPONSE>\n    <DATETIME>${formatQualysDate(tenant.nowSec())}</DATETIME>\n`);
    if (await out.fireFaultIfDue()) return;
    const ids: number[] = [];
    let more = false;
    let body = '';
    for (const index of tenant.hostIndexes(filter)) {
        if (limit > 0 && ids.length >= limit) {
            more = true;
            break;
        }
        const id = tenant.hostIdAt(index);
        ids.push(id);
        if (details !== 'None') {
            const host = tenant.host(index);
            body += `      <HOST>\n${H}<ID>${id}</ID>\n${H}<IP>${host.ip}</IP>\n${H}<TRACKING_METHOD>${host.trackingMethod}</TRACKING_METHOD>\n`;
            body +=
                cdataElement(H, 'DNS', host.dns) +
                cdataElement(H, 'NETBIOS', host.netbios) +
                cdataElement(H, 'OS', host.os);
            body += `${H}<LAST_VULN_SCAN_DATETIME>${formatQualysDate(host.lastVmScannedDate)}</LAST_VULN_SCAN_DATETIME>\n      </HOST>\n`;
        }
    }
    record.records = ids.length;
    if (ids.length > 0) {
        out.write(
            details === 'None'
                ? `    <ID_SET>\n${idSetXml(ids)}    </ID_SET>\n`
                : `    <HOST_LIST>\n${body}    </HOST_LIST>\n`
        );
    }
    let closing = '';
    if (more) {
        const url = `${ctx.baseUrl}${ctx.path}?${nextPageQuery(params, ids[ids.length - 1] + 1)}`;
        closing +=
            `    <WARNING>\n      <CODE>1980</CODE>\n      <TEXT>${limit} record limit exceeded. Use URL to get next batch of results.</TEXT>\n` +
            `      <URL>${cdata(url)}</URL>\n    </WARNING>\n`;
    }
    closing += '  </RESPONSE>\n</HOST_LIST_OUTPUT>\n' + CONFIDENTIAL_COMMENT;
    record.completed = await out.end(closing);
}

function detailsOf(params: RequestParams): string {
    const details = params.get('details') ?? 'Basic';
    const known = DETAILS.find(option => option.toLowerCase() === details.toLowerCase());
    if (known === undefined) throw params.invalid('details', details, `expected one of ${DETAILS.join(', ')}`);
    return known;
}

/** Ascending ids as `ID` elements, runs of consecutive ids as `ID_RANGE` (as Qualys writes them). */
function idSetXml(ids: readonly number[]): string {
    let xml = '';
    for (let start = 0; start < ids.length;) {
        let end = start;
        while (end + 1 < ids.length && ids[end + 1] === ids[end] + 1) end++;
        if (end > start) xml += `      <ID_RANGE>${ids[start]}-${ids[end]}</ID_RANGE>\n`;
        else for (let i = start; i <= end; i++) xml += `      <ID>${ids[i]}</ID>\n`;
        start = end + 1;
    }
    return xml;
}
