import { ConnectorError } from '@signal-connectors/connector-sdk';
import type { HostDetectionTrailer, ParsedHost } from '../model/index.js';
import { cleanUrl, idMinFromUrl, textValue } from './field-values.js';
import {
    connectionLost,
    malformedHostDetections,
    notHostDetectionDocument,
    outsideLimits,
    oversizedErrorDocument,
    truncatedHostDetections
} from './host-detection-errors.js';
import { mapHost } from './host-detection-mapper.js';
import { SIMPLE_RETURN_ROOTS, simpleReturnFromElement, simpleReturnToError } from './simple-return.js';
import { childText } from './child-text.js';
import { elementText, type XmlElement } from './xml-element.js';
import { HOST_DETECTION_LIMITS, XmlLimitError, type XmlLimits } from './xml-limits.js';
import { MAX_WRITE_CHARS } from './xml-tokenizer.js';
import { type CollectedElement, XmlRecordRouter } from './xml-record-router.js';

const ROOT = 'HOST_LIST_VM_DETECTION_OUTPUT';
/** An error document is collected whole; anything this large under an error root is not one. */
const MAX_ERROR_DOCUMENT_CHARS = 1_000_000;

const HOST_DETECTION_NAMES = { root: ROOT, list: 'HOST_LIST', item: 'HOST' } as const;

/**
 * Streams a host detection response (`HOST_LIST_VM_DETECTION_OUTPUT`) host by host. Pull-based: the body is
 * read a chunk at a time, and only when the consumer asks for more hosts, so backpressure reaches the socket;
 * memory holds the host being read plus the hosts completed by the current chunk, never the document.
 *
 * Every failure is a {@link ConnectorError}: a Qualys error document (`SIMPLE_RETURN`) as its mapped kind; a
 * body that is not a host detection document, malformed XML, a truncated body, a document that declares a DTD
 * of its own and one outside the {@link XmlLimits} (too deep, a value or record too large) as `protocol`; the
 * body stream failing as `transient`. A RESULTS longer than its bound is cut, not refused: the detection says
 * so (`resultsCut`). Content that is skipped (request echoes, unknown blocks) is never buffered. Hosts yielded
 * before a failure stay valid: callers checkpoint by host id.
 */
export class HostDetectionParser extends XmlRecordRouter {
    private readonly queue: ParsedHost[] = [];
    private readonly result: HostDetectionTrailer = { hostCount: 0 };
    /** Set once the root closed: the rest of the body (a trailing comment) is read but not parsed. */
    private ignoreRest = false;
    private errorDocumentChars = 0;
    private failure: ConnectorError | undefined;
    private started = false;

    /**
     * @param body the response body, e.g. a Node readable stream or an async generator of chunks.
     * @param limits bounds of the document (tests pass smaller ones).
     */
    constructor(
        private readonly body: AsyncIterable<Buffer | string>,
        limits: XmlLimits = HOST_DETECTION_LIMITS
    ) {
        // The host detection mappers read every text trimmed (elementText), so leading white space is left out.
        super(HOST_DETECTION_NAMES, limits, { readsTrimmedText: true });
    }

    /** Response datetime, pagination WARNING, `nextIdMin` and host count; complete once {@link hosts} finished. */
    get trailer(): HostDetectionTrailer {
        return { ...this.result };
    }

    /** Yields each HOST, with its detections, as soon as its element closes. Can be iterated once. */
    async *hosts(): AsyncGenerator<ParsedHost> {
        if (this.started) throw new Error('HostDetectionParser.hosts() can only be iterated once');
        this.started = true;
        const iterator = this.body[Symbol.asyncIterator]();
        let exhausted = false;
        try {
            for (let chunk = await this.read(iterator); chunk !== undefined; chunk = await this.read(iterator)) {
                const text = this.input.decode(chunk);
                // Large chunks go to the tokenizer in slices, so one write never completes more than a few hosts.
                if (text.length <= MAX_WRITE_CHARS) {
                    this.write(text, this.input.newlines);
                    yield* this.drain();
                } else {
                    for (let offset = 0; offset < text.length; offset += MAX_WRITE_CHARS) {
                        this.write(text.slice(offset, offset + MAX_WRITE_CHARS));
                        yield* this.drain();
                    }
                }
            }
            exhausted = true;
            this.write(this.input.end());
            yield* this.drain();
            this.checkComplete();
        } finally {
            // Stopped early or failed: release the body (and its socket) instead of leaving it half read.
            if (!exhausted) await iterator.return?.().catch(() => undefined);
        }
    }

    /** Hands over completed hosts, then raises a failure found in the same write. */
    private *drain(): Generator<ParsedHost> {
        for (let host = this.queue.shift(); host !== undefined; host = this.queue.shift()) yield host;
        if (this.failure !== undefined) throw this.failure;
    }

    private async read(iterator: AsyncIterator<Buffer | string>): Promise<Buffer | string | undefined> {
        try {
            const next = await iterator.next();
            return next.done === true ? undefined : next.value;
        } catch (error) {
            // After the root element closed the document is complete: a reset now loses nothing.
            if (this.rootClosed) return undefined;
            if (ConnectorError.is(error)) throw error;
            throw connectionLost(this.result.hostCount, error);
        }
    }

    private write(text: string, newlines = -1): void {
        if (this.failure !== undefined || this.ignoreRest) return;
        if (this.collecting === 'error' && (this.errorDocumentChars += text.length) > MAX_ERROR_DOCUMENT_CHARS) {
            this.failure = oversizedErrorDocument();
            return;
        }
        try {
            this.writeText(text, newlines);
        } catch (error) {
            const failure = error instanceof XmlLimitError ? this.limitFailure(error) : error;
            if (!ConnectorError.is(failure)) throw error;
            // Whatever follows a complete document (comments, stray bytes) cannot change what was read.
            if (!this.rootClosed) this.failure ??= failure;
        }
    }

    private limitFailure(error: XmlLimitError): ConnectorError {
        return outsideLimits(error.message, this.position(), this.result.hostCount);
    }

    private checkComplete(): void {
        if (this.rootName === undefined) {
            throw notHostDetectionDocument(this.input.bytes === 0 ? 'empty body' : 'no root element');
        }
        if (!this.rootClosed) throw truncatedHostDetections(this.result.hostCount);
    }

    protected acceptRoot(name: string): void {
        if (name !== ROOT && !SIMPLE_RETURN_ROOTS.includes(name)) throw notHostDetectionDocument(`root <${name}>`);
    }

    protected parseFailure(reason: string): Error {
        if (this.rootName === undefined) return notHostDetectionDocument('not XML');
        return malformedHostDetections(this.position(), this.result.hostCount, reason);
    }

    protected override onRootClosed(): void {
        this.ignoreRest = true;
    }

    protected complete(collected: CollectedElement, element: XmlElement): void {
        if (collected === 'item') {
            this.queue.push(mapHost(element, this.result.hostCount));
            this.result.hostCount += 1;
        } else if (collected === 'datetime') {
            const datetime = textValue(elementText(element));
            if (datetime !== undefined) this.result.responseDatetime = datetime;
        } else if (collected === 'warning') {
            const warning: NonNullable<HostDetectionTrailer['warning']> = {};
            const code = textValue(childText(element, 'CODE') ?? '');
            const text = textValue(childText(element, 'TEXT') ?? '');
            const url = textValue(childText(element, 'URL') ?? '');
            if (code !== undefined) warning.code = code;
            if (text !== undefined) warning.text = text;
            if (url !== undefined) warning.url = cleanUrl(url);
            this.result.warning = warning;
            const nextIdMin = url === undefined ? undefined : idMinFromUrl(url);
            if (nextIdMin !== undefined) this.result.nextIdMin = nextIdMin;
        } else {
            this.rootClosed = true;
            this.failure = simpleReturnToError(simpleReturnFromElement(element));
        }
    }
}
