// Shared helpers for the sandbox specs: a minimal Qualys client over fetch and an XML-to-keys reader.
import { parseStringPromise } from 'xml2js';
import type { QualysSandbox } from './qualys-sandbox.js';
import type { ExpectedDetection } from './synthetic-tenant.js';

/** Paths of the sandbox API endpoints. */
export const HLD_PATH = '/api/2.0/fo/asset/host/vm/detection/';
export const KB_PATH = '/api/2.0/fo/knowledge_base/vuln/';
export const SCAN_PATH = '/api/2.0/fo/scan/';
export const ABOUT_PATH = '/msp/about.php';

/** A fully read API response. */
export interface ApiResponse {
    status: number;
    headers: Headers;
    body: string;
}

/** Options of `call`. */
export interface CallOptions {
    method?: 'GET' | 'POST';
    /** Override the Authorization header; false sends none. */
    auth?: string | false;
    /** Override X-Requested-With; false sends none. */
    requestedWith?: string | false;
    /** Form body fields (implies POST). */
    form?: Record<string, string | number>;
}

/** Builds a Basic Authorization header. */
export function basicAuth(username: string, password: string): string {
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** Calls an API path with the sandbox's credentials and reads the whole body. */
export async function call(
    sandbox: QualysSandbox,
    path: string,
    params: Record<string, string | number> = {},
    options: CallOptions = {}
): Promise<ApiResponse> {
    const query = new URLSearchParams(
        Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])
    ).toString();
    return callUrl(sandbox, `${sandbox.url}${path}${query ? `?${query}` : ''}`, options);
}

/** Calls an absolute URL (e.g. a WARNING URL). */
export async function callUrl(sandbox: QualysSandbox, url: string, options: CallOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    const auth = options.auth ?? basicAuth(sandbox.credentials.username, sandbox.credentials.password);
    if (auth !== false) headers.authorization = auth;
    if (options.requestedWith !== false) headers['x-requested-with'] = options.requestedWith ?? 'sandbox-spec';
    let body: string | undefined;
    if (options.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(
            Object.entries(options.form).map(([k, v]): [string, string] => [k, String(v)])
        ).toString();
    }
    const res = await fetch(url, { method: options.form ? 'POST' : (options.method ?? 'GET'), headers, body });
    return { status: res.status, headers: res.headers, body: await res.text() };
}

/** Parses XML with xml2js (every child as an array, text trimmed). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function parseXml(body: string): Promise<any> {
    return parseStringPromise(body, { trim: true });
}

/** The SIMPLE_RETURN code, text and items of an error body. */
export async function simpleReturn(
    body: string
): Promise<{ code?: number; text: string; items: Record<string, string> }> {
    const response = (await parseXml(body)).SIMPLE_RETURN.RESPONSE[0];
    const items: Record<string, string> = {};
    for (const item of response.ITEM_LIST?.[0].ITEM ?? []) items[item.KEY[0]] = item.VALUE[0];
    return { code: response.CODE ? Number(response.CODE[0]) : undefined, text: response.TEXT[0], items };
}

/** One HLD page read into detection keys, host ids and the WARNING URL. */
export interface HldPage {
    keys: ExpectedDetection[];
    hostIds: number[];
    nextUrl?: string;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    doc: any;
}

/** Parses an HLD document into detection keys in document order. */
export async function readHldPage(body: string): Promise<HldPage> {
    const doc = await parseXml(body);
    const response = doc.HOST_LIST_VM_DETECTION_OUTPUT.RESPONSE[0];
    const keys: ExpectedDetection[] = [];
    const hostIds: number[] = [];
    for (const host of response.HOST_LIST?.[0].HOST ?? []) {
        const hostId = Number(host.ID[0]);
        hostIds.push(hostId);
        for (const d of host.DETECTION_LIST[0].DETECTION) {
            keys.push({
                hostId,
                qid: Number(d.QID[0]),
                ...(d.PORT ? { port: Number(d.PORT[0]), protocol: d.PROTOCOL[0] } : {}),
                ssl: d.SSL[0] === '1',
                ...(d.FQDN ? { fqdn: d.FQDN[0] } : {}),
                uniqueVulnId: Number(d.UNIQUE_VULN_ID[0]),
                ...(d.STATUS ? { status: d.STATUS[0], lastUpdate: d.LAST_UPDATE_DATETIME[0] } : {})
            });
        }
    }
    return { keys, hostIds, nextUrl: response.WARNING?.[0].URL?.[0], doc };
}

/** Follows WARNING URLs from a first HLD request until the last page. */
export async function readAllPages(
    sandbox: QualysSandbox,
    params: Record<string, string | number>
): Promise<{ keys: ExpectedDetection[]; pages: HldPage[] }> {
    const pages: HldPage[] = [];
    let res = await call(sandbox, HLD_PATH, params);
    for (;;) {
        if (res.status !== 200) throw new Error(`HLD page failed with ${res.status}: ${res.body}`);
        const page = await readHldPage(res.body);
        pages.push(page);
        if (!page.nextUrl) break;
        if (pages.length > 10_000) throw new Error('pagination did not terminate');
        res = await callUrl(sandbox, page.nextUrl);
    }
    return { keys: pages.flatMap(page => page.keys), pages };
}
