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
import {
    ChunkDecoder,
    createXmlParser,
    isRecoverableXmlError,
    MAX_SAX_WRITE,
    MISMATCHED_CLOSE_TAG,
    xmlErrorReason,
    xmlPosition
} from './sax-input.js';
import { SIMPLE_RETURN_ROOTS, simpleReturnFromElement, simpleReturnToError } from './simple-return.js';
import { childText } from './child-text.js';
import { elementText, type XmlElement, XmlTreeBuilder } from './xml-element.js';
import { HOST_DETECTION_LIMITS, XmlLimitError, type XmlLimits } from './xml-limits.js';


const ROOT = 'HOST_LIST_VM_DETECTION_OUTPUT';
/** An error document is collected whole; anything this large under an error root is not one. */
const MAX_ERROR_DOCUMENT_CHARS = 1_000_000;

/** What an element becomes: a level to walk into, a subtree to skip, or a record to collect and map. */
type Route = 'descend' | 'skip' | Collected;
type Collected = 'host' | 'datetime' | 'warning' | 'error';

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
export class HostDetectionParser {
    private readonly parser = createXmlParser();
    private readonly input: ChunkDecoder;
    private readonly builder: XmlTreeBuilder;
    private readonly queue: ParsedHost[] = [];
    /** Names of the open elements above the record level (root, RESPONSE, HOST_LIST). */
    private readonly path: string[] = [];
    private readonly result: HostDetectionTrailer = { hostCount: 0 };
    private collecting: Collected | undefined;
    private skipDepth = 0;
    private rootName: string | undefined;
    private rootClosed = false;
    /** Set once the root closed: the rest of the body (a trailing comment) is read but not parsed. */
    private ignoreRest = false;
    private errorDocumentChars = 0;
    private failure: ConnectorError | undefined;
    private started = false;
    /** A close tag reported but not applied yet: saxes checks its name only after reporting it. */
    private closePending = false;
    /** Whether the tag being read has attributes: saxes reports each before the tag. */
    private tagHasAttributes = false;

    /** Reports text and CDATA to the record being collected; detached while content is skipped. */
    private readonly onText = (text: string): void => {
        if (this.closePending) this.settleClose();
        if (this.collecting === undefined) return;
        const cut = this.input.takeCut(this.parser.position);
        this.builder.text(text, cut?.originalLength);
    };

    /**
     * @param body the response body, e.g. a Node readable stream or an async generator of chunks.
     * @param limits bounds of the document (tests pass smaller ones).
     */
    constructor(
        private readonly body: AsyncIterable<Buffer | string>,
        private readonly limits: XmlLimits = HOST_DETECTION_LIMITS
    ) {
        this.input = new ChunkDecoder(limits);
        this.builder = new XmlTreeBuilder(limits);
        this.attachHandlers();
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
                // Large chunks go to the parser in slices, so one write never completes more than a few hosts.
                for (let offset = 0; offset < text.length; offset += MAX_SAX_WRITE) {
                    this.write(text.length <= MAX_SAX_WRITE ? text : text.slice(offset, offset + MAX_SAX_WRITE));
                    yield* this.drain();
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

    private write(text: string): void {
        if (this.failure !== undefined || this.ignoreRest) return;
        if (this.collecting === 'error' && (this.errorDocumentChars += text.length) > MAX_ERROR_DOCUMENT_CHARS) {
            this.failure = oversizedErrorDocument();
            return;
        }
        try {
            if (text !== '') this.parser.write(text);
            if (this.closePending) this.settleClose();
        } catch (error) {
            const failure = error instanceof XmlLimitError ? this.limitFailure(error) : error;
            if (!ConnectorError.is(failure)) throw error;
            // Whatever follows a complete document (comments, stray bytes) cannot change what was read.
            if (!this.rootClosed) this.failure ??= failure;
        }
        // The guard stops handing out text where the document broke a bound: that is where it failed.
        const refused = this.input.failure;
        if (refused !== undefined && !this.rootClosed) this.failure ??= this.limitFailure(refused);
    }

    private limitFailure(error: XmlLimitError): ConnectorError {
        return outsideLimits(error.message, xmlPosition(this.parser), this.result.hostCount);
    }

    private checkComplete(): void {
        if (this.rootName === undefined) {
            throw notHostDetectionDocument(this.input.bytes === 0 ? 'empty body' : 'no root element');
        }
        if (!this.rootClosed) throw truncatedHostDetections(this.result.hostCount);
    }

    private attachHandlers(): void {
        const parser = this.parser;
        // saxes reports a close tag first and fails on a name that does not match the open element just after. A
        // close therefore takes effect at the next event (or the end of the write), and a mismatch cancels it:
        // an element, a host above all, is never completed by a close tag that turns out to be wrong.
        parser.on('opentagstart', tag => {
            if (this.closePending) this.settleClose();
            // Checked before attributes are read: an HTML page fails on its root, not on an unquoted attribute.
            if (this.rootName === undefined) this.acceptRoot(tag.name);
        });
        // Most tags have no attributes; the flag spares looking into an empty object for every one of them.
        parser.on('attribute', () => {
            this.tagHasAttributes = true;
        });
        parser.on('opentag', tag => {
            const attributes = this.tagHasAttributes ? tag.attributes : undefined;
            this.tagHasAttributes = false;
            this.open(tag.name, attributes);
        });
        parser.on('closetag', () => {
            if (this.closePending) this.settleClose();
            this.closePending = true;
        });
        parser.on('text', this.onText);
        parser.on('cdata', this.onText);
        parser.on('error', error => {
            const reason = xmlErrorReason(error);
            if (isRecoverableXmlError(reason)) return;
            if (reason === MISMATCHED_CLOSE_TAG) this.closePending = false;
            else if (this.closePending) this.settleClose();
            if (this.rootName === undefined) throw notHostDetectionDocument('not XML');
            throw malformedHostDetections(xmlPosition(parser), this.result.hostCount, reason);
        });
    }

    private acceptRoot(name: string): void {
        this.rootName = name;
        if (name !== ROOT && !SIMPLE_RETURN_ROOTS.includes(name)) throw notHostDetectionDocument(`root <${name}>`);
    }

    private open(name: string, attributes: Record<string, string> | undefined): void {
        if (this.path.length + this.skipDepth + this.builder.depth >= this.limits.maxDepth) {
            throw new XmlLimitError('depth', `elements nested deeper than ${this.limits.maxDepth} levels`);
        }
        if (this.collecting !== undefined) return this.builder.open(name, attributes);
        if (this.skipDepth > 0) {
            this.skipDepth += 1;
            return;
        }
        const route = this.route(name);
        if (route === 'descend') this.path.push(name);
        else if (route === 'skip') this.startSkipping();
        else {
            this.collecting = route;
            this.builder.open(name, attributes);
        }
    }

    /** Where an element outside a collected record belongs; REQUEST echoes and unknown blocks are skipped. */
    private route(name: string): Route {
        switch (this.path[this.path.length - 1]) {
            case undefined:
                // A second root (two documents in one body) is not read: the first one is the response.
                if (this.rootClosed) return 'skip';
                return name === ROOT ? 'descend' : 'error';
            case ROOT:
                return name === 'RESPONSE' ? 'descend' : 'skip';
            case 'RESPONSE':
                if (name === 'HOST_LIST') return 'descend';
                return name === 'DATETIME' ? 'datetime' : name === 'WARNING' ? 'warning' : 'skip';
            case 'HOST_LIST':
                return name === 'HOST' ? 'host' : 'skip';
            default:
                return 'skip';
        }
    }

    private settleClose(): void {
        this.closePending = false;
        if (this.collecting !== undefined) {
            const element = this.builder.close();
            if (this.builder.depth > 0) return;
            const collected = this.collecting;
            this.collecting = undefined;
            return this.complete(collected, element);
        }
        if (this.skipDepth > 0) {
            this.skipDepth -= 1;
            if (this.skipDepth === 0) this.stopSkipping();
            return;
        }
        this.path.pop();
        if (this.path.length === 0) this.rootClosed = this.ignoreRest = true;
    }

    /** Skipped content is not even gathered by saxes: without a text handler it drops text as it reads it. */
    private startSkipping(): void {
        this.skipDepth = 1;
        this.parser.off('text');
        this.parser.off('cdata');
    }

    private stopSkipping(): void {
        this.parser.on('text', this.onText);
        this.parser.on('cdata', this.onText);
    }

    private complete(collected: Collected, element: XmlElement): void {
        if (collected === 'host') {
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
