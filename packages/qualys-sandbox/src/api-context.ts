import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatQualysDate } from './qualys-date.js';
import type { SandboxEndpoint } from './rate-limiter.js';
import type { HostileFault } from './hostile-content.js';
import type { RequestParams } from './request-params.js';
import type { SandboxRequestRecord } from './request-log.js';
import { ResponseStream, type StreamFault } from './response-stream.js';
import { simpleReturnXml, type SimpleReturnItem } from './simple-return.js';
import type { SyntheticTenant } from './synthetic-tenant.js';

/** Content type of every XML answer (as real Qualys responses declare it). */
export const XML_CONTENT_TYPE = 'application/xml';

/** Everything an endpoint handler needs for one admitted API request. */
export interface ApiContext {
    req: IncomingMessage;
    res: ServerResponse;
    endpoint: SandboxEndpoint;
    /** Request path, e.g. `/api/5.0/fo/asset/host/vm/detection/`. */
    path: string;
    params: RequestParams;
    tenant: SyntheticTenant;
    /** `http://127.0.0.1:PORT`, used for DOCTYPE and WARNING URLs. */
    baseUrl: string;
    username: string;
    record: SandboxRequestRecord;
    /** Reset/truncate fault to apply while streaming, if one was injected for this request. */
    streamFault?: StreamFault;
    /** A hostile response to send instead of a well-formed one, if one was injected for this request. */
    hostile?: HostileFault;
    /** Bytes per second each streamed response is paced to (a server slower than its clients); none when unset. */
    bytesPerSec?: number;
}

/**
 * An endpoint handler. It must validate parameters (throwing ParamError) before writing anything, then stream
 * its document.
 */
export type ApiHandler = (ctx: ApiContext) => Promise<void>;

/** Sends the 200 header and returns a stream for the document body. */
export function beginXml(ctx: ApiContext): ResponseStream {
    ctx.res.statusCode = 200;
    ctx.res.setHeader('Content-Type', XML_CONTENT_TYPE);
    // Always chunked, even for small documents: clients must not rely on a Content-Length for these responses.
    // (HTTP/1.0 clients cannot read chunked bodies; Node then delimits the body by closing the connection.)
    if (ctx.req.httpVersion !== '1.0') ctx.res.setHeader('Transfer-Encoding', 'chunked');
    ctx.record.status = 200;
    return new ResponseStream(ctx.res, ctx.streamFault, undefined, ctx.bytesPerSec, bytes => {
        ctx.record.bodyBytes += bytes;
    });
}

/** Sends a complete (small) XML document with a Content-Length. */
export function sendXml(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { ...headers, 'Content-Type': XML_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
}

/** Sends a SIMPLE_RETURN error and records its code. */
export function sendSimpleReturn(
    res: ServerResponse,
    record: SandboxRequestRecord | undefined,
    baseUrl: string,
    tenant: SyntheticTenant,
    status: number,
    code: number,
    text: string,
    items: readonly SimpleReturnItem[] = [],
    headers: Record<string, string> = {}
): void {
    if (record) {
        record.status = status;
        record.code = code;
    }
    sendXml(res, status, simpleReturnXml(baseUrl, formatQualysDate(tenant.nowSec()), code, text, items), headers);
}

/**
 * Renders the query of a WARNING URL: the request's parameters in their original order (query and form body
 * merged) without `id_min`, then the new `id_min`. Commas and colons stay readable, as in real URLs.
 */
export function nextPageQuery(params: RequestParams, nextIdMin: number): string {
    const encode = (text: string): string => encodeURIComponent(text).replace(/%2C/gi, ',').replace(/%3A/gi, ':');
    const pairs = Object.entries(params.toRecord())
        .filter(([name]) => name !== 'id_min')
        .map(([name, value]) => `${encode(name)}=${encode(value)}`);
    pairs.push(`id_min=${nextIdMin}`);
    return pairs.join('&');
}
