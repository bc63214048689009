import type { Readable } from 'node:stream';
import { type Clock, ConnectorError, type Logger } from '@signal-connectors/connector-sdk';
import type { ParsedHost } from '../model/index.js';
import { HostDetectionParser } from '../xml/index.js';
import type { DetectionWindowBounds } from './qualys-checkpoint.js';

/** Hosts read from the host detection API, handed over in bounded chunks: `H` is what the chunk keeps of each. */
export interface HostChunk<H = ParsedHost> {
    hosts: H[];
    detections: number;
    /** 1-based page number within this poll. */
    page: number;
    /** True for the last chunk of a page. */
    pageDone: boolean;
    /** `id_min` to resume from after this chunk; undefined once the range is complete. */
    resumeFrom?: number;
    /** True for the last chunk of the range (of the window, when the range is every host id). */
    windowDone: boolean;
    /** The page's `RESPONSE/DATETIME`, which precedes its hosts; undefined when Qualys sent none. */
    responseTime?: string;
}

/** What the pager needs; `streamHostDetections` is the API client's call. */
export interface HostDetectionPagerOptions<H = ParsedHost> {
    streamHostDetections(params: Record<string, string>, signal?: AbortSignal): Promise<Readable>;
    /** Request parameters other than the window, `id_min` and `id_max`. */
    baseParams: Record<string, string>;
    window: DetectionWindowBounds;
    /** The first host id to read (`id_min` of the first page); undefined = from the lowest. */
    idMin?: number;
    /** The last host id to read (`id_max`, sent with every page); undefined = up to the highest. */
    idMax?: number;
    signal: AbortSignal;
    clock: Clock;
    logger: Logger;
    /** A chunk closes at this many hosts... */
    chunkHosts: number;
    /** ...or at this many detections, whichever comes first, so memory stays flat whatever the page size. */
    chunkDetections: number;
    /** ...or at this many characters of RESULTS, so long scanner output cannot pile up either (default 8 Mi). */
    chunkResultsChars?: number;
    /**
     * Attempts per page for transient and protocol failures before the poll fails. Throttling is not retried
     * here: the HTTP client waits out 409s with the shared limiter, and a `rate_limited` error that still
     * reaches the pager means the block is too long to sit out in this run (the host reschedules the poll).
     */
    maxAttempts: number;
    onRetry?: (error: ConnectorError, attempt: number, delayMs: number) => void;
    /**
     * What a chunk keeps of each host, made as soon as the host is read (`responseTime`: its page's DATETIME);
     * by default the host as parsed. The chunk bounds count the host as parsed all the same.
     */
    keep?: (parsed: ParsedHost, responseTime: string | undefined) => H;
}

/**
 * Walks a detection window, or one host id range of it (`id_max`), page by page (`id_min` from each WARNING URL;
 * the request's own parameters are re-sent) and yields hosts in chunks. A page that fails half-way is retried from the first host not yet
 * yielded, a bounded number of times; a repeated `id_min` stops the walk instead of looping.
 */
export async function* pageHostDetections<H = ParsedHost>(
    options: HostDetectionPagerOptions<H>
): AsyncGenerator<HostChunk<H>> {
    const { window, signal } = options;
    const keep = options.keep ?? ((parsed: ParsedHost) => parsed as H);
    let idMin = options.idMin;
    let page = 0;
    let attempt = 0;
    for (;;) {
        page += attempt === 0 ? 1 : 0;
        if (idMin !== undefined && options.idMax !== undefined && idMin > options.idMax) {
            // The range's last host was delivered (a resumed or retried range): nothing left to ask for.
            yield { hosts: [], detections: 0, page, pageDone: false, windowDone: true };
            return;
        }
        let lastYielded: number | undefined;
        let body: Readable | undefined;
        try {
            body = await options.streamHostDetections(
                pageParams(options.baseParams, window, idMin, options.idMax),
                signal
            );
            const parser = new HostDetectionParser(body);
            let pending: H[] = [];
            let pendingDetections = 0;
            let pendingResults = 0;
            let lastRead: number | undefined;
            for await (const parsed of parser.hosts()) {
                pendingDetections += parsed.detections.length;
                for (const detection of parsed.detections) pendingResults += detection.results?.length ?? 0;
                lastRead = parsed.host.id;
                pending.push(keep(parsed, parser.trailer.responseDatetime));
                if (
                    pending.length >= options.chunkHosts ||
                    pendingDetections >= options.chunkDetections ||
                    pendingResults >= (options.chunkResultsChars ?? DEFAULT_CHUNK_RESULTS_CHARS)
                ) {
                    const last = parsed.host.id;
                    yield {
                        hosts: pending,
                        detections: pendingDetections,
                        page,
                        pageDone: false,
                        resumeFrom: last + 1,
                        windowDone: false,
                        responseTime: parser.trailer.responseDatetime
                    };
                    lastYielded = last;
                    pending = [];
                    pendingDetections = pendingResults = 0;
                    attempt = 0;
                }
            }
            const next = nextPageStart(parser.trailer, idMin, lastRead);
            yield {
                hosts: pending,
                detections: pendingDetections,
                page,
                pageDone: true,
                resumeFrom: next,
                windowDone: next === undefined,
                responseTime: parser.trailer.responseDatetime
            };
            if (next === undefined) return;
            idMin = next;
            attempt = 0;
        } catch (caught) {
            if (signal.aborted) throw caught;
            // Whatever broke while reading the page (a parser bug included) is a page to read again, not a crash.
            const error = ConnectorError.is(caught) ? caught : unreadablePage(page, caught);
            if (error.code === PAGINATION_LOOP) throw error;
            attempt += 1;
            if (!isPageRetryable(error) || attempt >= options.maxAttempts) throw error;
            if (lastYielded !== undefined) idMin = lastYielded + 1;
            const delayMs = retryDelay(attempt);
            options.logger.warn('qualys: host detection page failed, retrying', {
                page,
                attempt,
                resumeFromHostId: idMin,
                delayMs,
                error
            });
            options.onRetry?.(error, attempt, delayMs);
            await options.clock.sleep(delayMs, signal);
        } finally {
            body?.destroy();
        }
    }
}

const PAGINATION_LOOP = 'pagination-loop';
const DEFAULT_CHUNK_RESULTS_CHARS = 8 * 1024 * 1024;

/** A page that failed with something other than a ConnectorError: `protocol`, so the page is read again. */
function unreadablePage(page: number, cause: unknown): ConnectorError {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    return new ConnectorError('protocol', `host detection page ${page} could not be read (${detail})`, {
        hint: 'the connector reads the page again from the last host it delivered; if it persists, report it with a debug log',
        cause
    });
}

function pageParams(
    base: Record<string, string>,
    window: DetectionWindowBounds,
    idMin: number | undefined,
    idMax: number | undefined
): Record<string, string> {
    const params: Record<string, string> = { ...base, vm_processed_before: window.before };
    if (window.after) params.vm_processed_after = window.after;
    if (idMin !== undefined) params.id_min = String(idMin);
    if (idMax !== undefined) params.id_max = String(idMax);
    return params;
}

/** The next page's `id_min`, or undefined on the last page; refuses a cursor that does not move forward. */
function nextPageStart(
    trailer: HostDetectionParser['trailer'],
    idMin: number | undefined,
    lastHostId: number | undefined
): number | undefined {
    if (!trailer.warning) return undefined;
    const next = trailer.nextIdMin;
    if (next === undefined) {
        throw new ConnectorError('protocol', 'Qualys said more hosts remain but its WARNING carries no id_min', {
            hint: 'retry later; if it persists, lower truncationLimit'
        });
    }
    const floor = Math.max(idMin ?? -Infinity, lastHostId ?? -Infinity);
    if (next <= floor) {
        throw new ConnectorError('protocol', `Qualys pagination did not advance (id_min ${next} after host ${floor})`, {
            code: PAGINATION_LOOP,
            hint: 'stopped to avoid a loop; the poll will resume from the last delivered host next time'
        });
    }
    return next;
}

function isPageRetryable(error: ConnectorError): boolean {
    return error.kind === 'transient' || error.kind === 'protocol';
}

/** Exponential backoff with jitter (2 s, 4 s, 8 s ... 60 s). */
function retryDelay(attempt: number): number {
    const ceiling = Math.min(60_000, 2000 * 2 ** (attempt - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
}
