import { type ApiContext, beginXml } from './api-context.js';
import { formatQualysDate as date, formatScanDuration } from './qualys-date.js';
import type { RequestParams } from './request-params.js';
import { SCAN_STATES, type ScanState, type SyntheticScan } from './scan-catalog.js';
import { deepNesting, entityReference, hostileDoctype, writeHugeSkipped } from './hostile-content.js';
import { CONFIDENTIAL_COMMENT, doctype, XML_DECLARATION } from './simple-return.js';
import { cdata, cdataElement, escapeXml } from './xml-text.js';

/** Documented scan-list parameters; unimplemented ones are accepted and ignored. */
export const SCAN_PARAMETERS: ReadonlySet<string> = new Set(
    (
        'action echo_request scan_ref state processed type target user_login launched_after_datetime ' +
        'launched_before_datetime scan_type client_id client_name show_ags show_op show_status show_last ' +
        'ignore_target pci_only scan_id'
    ).split(' ')
);

const S = '        ';
const THIRTY_DAYS = 30 * 86_400;

/** A parsed scan-list request. */
export interface ScanQuery {
    launchedAfter: number;
    launchedBefore: number;
    states?: ScanState[];
    types?: SyntheticScan['type'][];
    scanRef?: string;
    userLogin?: string;
    processed?: boolean;
    showAgs: boolean;
    showOp: boolean;
    showStatus: boolean;
    showLast: boolean;
}

/** Validates and parses scan-list parameters; without launched_after_datetime only the last 30 days are listed. */
export function parseScanQuery(params: RequestParams, nowSec: number): ScanQuery {
    params.rejectUnknown(SCAN_PARAMETERS);
    params.requireListAction();
    const processed = params.get('processed');
    return {
        launchedAfter: params.date('launched_after_datetime') ?? nowSec - THIRTY_DAYS,
        launchedBefore: params.date('launched_before_datetime') ?? Infinity,
        states: params.enumList('state', SCAN_STATES),
        types: params.enumList('type', ['On-Demand', 'Scheduled', 'API'] as const),
        scanRef: params.get('scan_ref'),
        userLogin: params.get('user_login'),
        processed: processed === undefined ? undefined : params.flag('processed', false),
        showAgs: params.flag('show_ags', false),
        showOp: params.flag('show_op', false),
        showStatus: params.flag('show_status', true),
        showLast: params.flag('show_last', false)
    };
}

/** Renders one SCAN element. */
export function scanXml(scan: SyntheticScan, query: ScanQuery): string {
    let xml = `      <SCAN>\n${S}<REF>${scan.ref}</REF>\n${S}<TYPE>${scan.type}</TYPE>\n${cdataElement(S, 'TITLE', scan.title)}`;
    xml += `${S}<USER_LOGIN>${escapeXml(scan.userLogin)}</USER_LOGIN>\n${S}<LAUNCH_DATETIME>${date(scan.launchedAt)}</LAUNCH_DATETIME>\n`;
    const duration =
        scan.durationSec !== undefined
            ? formatScanDuration(scan.durationSec)
            : scan.state === 'Running'
              ? 'Running'
              : 'Pending';
    xml += `${S}<DURATION>${duration}</DURATION>\n${S}<PROCESSING_PRIORITY>${scan.priority}</PROCESSING_PRIORITY>\n`;
    xml += `${S}<PROCESSED>${scan.processed ? 1 : 0}</PROCESSED>\n`;
    if (query.showStatus) {
        xml += `${S}<STATUS>\n${S}  <STATE>${scan.state}</STATE>\n`;
        if (scan.subState) xml += `${S}  <SUB_STATE>${scan.subState}</SUB_STATE>\n`;
        xml += `${S}</STATUS>\n`;
    }
    xml += cdataElement(S, 'TARGET', scan.target);
    if (query.showAgs && scan.assetGroups.length > 0) {
        xml += `${S}<ASSET_GROUP_TITLE_LIST>\n`;
        for (const group of scan.assetGroups) xml += `${S}  <ASSET_GROUP_TITLE>${cdata(group)}</ASSET_GROUP_TITLE>\n`;
        xml += `${S}</ASSET_GROUP_TITLE_LIST>\n`;
    }
    if (query.showOp) {
        xml += `${S}<OPTION_PROFILE>\n${cdataElement(`${S}  `, 'TITLE', scan.optionProfile.title)}`;
        xml += `${S}  <DEFAULT_FLAG>${scan.optionProfile.isDefault ? 1 : 0}</DEFAULT_FLAG>\n${S}</OPTION_PROFILE>\n`;
    }
    return xml + '      </SCAN>\n';
}

/** Scans a query selects, newest launch first. */
export function selectScans(scans: readonly SyntheticScan[], query: ScanQuery): SyntheticScan[] {
    const selected = scans
        .filter(scan => scan.launchedAt >= query.launchedAfter && scan.launchedAt <= query.launchedBefore)
        .filter(scan => !query.states || query.states.includes(scan.state))
        .filter(scan => !query.types || query.types.includes(scan.type))
        .filter(scan => query.scanRef === undefined || scan.ref === query.scanRef)
        .filter(scan => query.userLogin === undefined || scan.userLogin === query.userLogin)
        .filter(scan => query.processed === undefined || scan.processed === query.processed)
        .sort((a, b) => b.launchedAt - a.launchedAt);
    return query.showLast ? selected.slice(0, 1) : selected;
}

/** Scan list: SCAN_LIST_OUTPUT (no truncation, like the real API). */
export async function handleScanList(ctx: ApiContext): Promise<void> {
    const query = parseScanQuery(ctx.params, ctx.tenant.nowSec());
    const scans = selectScans(ctx.tenant.scans.list(), query);
    const out = beginXml(ctx);
    const standard = doctype('SCAN_LIST_OUTPUT', ctx.baseUrl, '/api/2.0/fo/scan/scan_list_output.dtd');
    out.write(XML_DECLARATION + hostileDoctype(ctx.hostile, 'SCAN_LIST_OUTPUT', standard));
    out.write(`<SCAN_LIST_OUTPUT>\n  <RESPONSE>\n    <DATETIME>${date(ctx.tenant.nowSec())}</DATETIME>\n`);
    if (await out.fireFaultIfDue()) return;
    out.write(entityReference(ctx.hostile, '    ') + deepNesting(ctx.hostile));
    if (!(await writeHugeSkipped(out, ctx.hostile))) return;
    if (scans.length > 0) out.write('    <SCAN_LIST>\n');
    for (const scan of scans) {
        out.write(scanXml(scan, query));
        ctx.record.records++;
        if (!(await out.endRecord())) return;
    }
    const closing = (scans.length > 0 ? '    </SCAN_LIST>\n' : '') + '  </RESPONSE>\n</SCAN_LIST_OUTPUT>\n';
    ctx.record.completed = await out.end(closing + CONFIDENTIAL_COMMENT);
}
