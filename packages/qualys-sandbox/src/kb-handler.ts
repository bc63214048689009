import { type ApiContext, beginXml } from './api-context.js';
import { inRanges, normalizeRanges } from './detection-filter.js';
import { type KbDetails, vulnXml } from './kb-xml.js';
import { formatQualysDate } from './qualys-date.js';
import type { RequestParams } from './request-params.js';
import { deepNesting, entityReference, hostileDoctype, writeHugeSkipped } from './hostile-content.js';
import { CONFIDENTIAL_COMMENT, doctype, XML_DECLARATION } from './simple-return.js';

/** Documented KnowledgeBase parameters; unimplemented ones are accepted and ignored. */
export const KB_PARAMETERS: ReadonlySet<string> = new Set(
    (
        'action echo_request details ids id_min id_max is_patchable last_modified_after last_modified_before ' +
        'last_modified_by_user_after last_modified_by_user_before last_modified_by_service_after ' +
        'last_modified_by_service_before published_after published_before code_modified_after code_modified_before ' +
        'discovery_method discovery_auth_types show_pci_reasons show_supported_modules_info show_disabled_flag ' +
        'show_qid_change_log'
    ).split(' ')
);

const KEEP_ALIVE_EVERY = 100;

/** A parsed KnowledgeBase request. */
export interface KbQuery {
    details: KbDetails;
    ids?: { min: number; max: number }[];
    idMin: number;
    idMax: number;
    modifiedAfter: number;
    modifiedBefore: number;
    publishedAfter: number;
    publishedBefore: number;
    patchable?: boolean;
}

/** Validates and parses KnowledgeBase parameters. */
export function parseKbQuery(params: RequestParams): KbQuery {
    params.rejectUnknown(KB_PARAMETERS);
    params.requireListAction();
    const details = params.enumList('details', ['Basic', 'All', 'None'] as const);
    if (details && details.length > 1)
        throw params.invalid('details', params.get('details') ?? '', 'a single value is expected');
    const ids = params.ranges('ids');
    const after = (name: string): number => params.date(name) ?? -Infinity;
    const before = (name: string): number => params.date(name) ?? Infinity;
    const isPatchable = params.get('is_patchable');
    return {
        details: details?.[0] ?? 'Basic',
        ids: ids ? normalizeRanges(ids) : undefined,
        idMin: params.int('id_min', 1, 0xffffffff) ?? 0,
        idMax: params.int('id_max', 1, 0xffffffff) ?? Infinity,
        // The service-modification filters compare the same date the plain last_modified_* ones do here.
        modifiedAfter: Math.max(after('last_modified_after'), after('last_modified_by_service_after')),
        modifiedBefore: Math.min(before('last_modified_before'), before('last_modified_by_service_before')),
        publishedAfter: after('published_after'),
        publishedBefore: before('published_before'),
        patchable: isPatchable === undefined ? undefined : params.flag('is_patchable', false)
    };
}

/**
 * KnowledgeBase list: streams KNOWLEDGE_BASE_VULN_LIST_OUTPUT in QID order. Unknown QIDs are simply absent; an
 * empty result is a RESPONSE with only DATETIME. `details=None` returns an ID_SET.
 */
export async function handleKnowledgeBase(ctx: ApiContext): Promise<void> {
    const query = parseKbQuery(ctx.params);
    const { kb } = ctx.tenant;
    const datetime = formatQualysDate(ctx.tenant.nowSec());
    const out = beginXml(ctx);
    const standard = doctype(
        'KNOWLEDGE_BASE_VULN_LIST_OUTPUT',
        ctx.baseUrl,
        '/api/2.0/fo/knowledge_base/vuln/knowledge_base_vuln_list_output.dtd'
    );
    out.write(XML_DECLARATION + hostileDoctype(ctx.hostile, 'KNOWLEDGE_BASE_VULN_LIST_OUTPUT', standard));
    out.write(`<KNOWLEDGE_BASE_VULN_LIST_OUTPUT>\n  <RESPONSE>\n    <DATETIME>${datetime}</DATETIME>\n`);
    if (await out.fireFaultIfDue()) return;
    out.write(entityReference(ctx.hostile, '    ') + deepNesting(ctx.hostile));
    if (!(await writeHugeSkipped(out, ctx.hostile))) return;
    const listTag = query.details === 'None' ? 'ID_SET' : 'VULN_LIST';
    for (let index = 0; index < kb.qids.length; index++) {
        const qid = kb.qids[index];
        if (qid < query.idMin || qid > query.idMax || (query.ids && !inRanges(query.ids, qid))) continue;
        const modified = kb.lastModified[index];
        if (modified <= query.modifiedAfter || modified >= query.modifiedBefore) continue;
        const vuln = kb.vuln(index);
        if (vuln.published <= query.publishedAfter || vuln.published >= query.publishedBefore) continue;
        if (query.patchable !== undefined && vuln.patchable !== query.patchable) continue;
        if (ctx.record.records === 0) out.write(`    <${listTag}>\n`);
        out.write(query.details === 'None' ? `      <ID>${qid}</ID>\n` : vulnXml(vuln, query.details));
        ctx.record.records++;
        if (ctx.record.records % KEEP_ALIVE_EVERY === 0)
            out.write('<!-- keep-alive for KNOWLEDGE_BASE_VULN_LIST_OUTPUT -->\n');
        if (!(await out.endRecord())) return;
    }
    const closing =
        (ctx.record.records > 0 ? `    </${listTag}>\n` : '') + '  </RESPONSE>\n</KNOWLEDGE_BASE_VULN_LIST_OUTPUT>\n';
    ctx.record.completed = await out.end(closing + CONFIDENTIAL_COMMENT);
}
