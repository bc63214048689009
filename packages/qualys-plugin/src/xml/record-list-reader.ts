import { setImmediate as nextTurn } from 'node:timers/promises';
import { ConnectorError } from '@signal-connectors/connector-sdk';
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
import { elementText, type XmlElement, XmlTreeBuilder } from './xml-element.js';
import { RECORD_LIST_LIMITS, XmlLimitError, type XmlLimits } from './xml-limits.js';

/** The element names of a record list response, and its name for messages. */
export interface RecordListNames {
    /** e.g. `KNOWLEDGE_BASE_VULN_LIST_OUTPUT`. */
    root: string;
    /** e.g. `VULN_LIST`. */
    list: string;
    /** e.g. `VULN`. */
    item: string;
    /** Further element names of the list's records, when it holds several kinds (an `ID_SET`: `ID`, `ID_RANGE`). */
    otherItems?: readonly string[];
    /** e.g. `KnowledgeBase`, for messages. */
    document: string;
}

/** What a record list response holds besides its records: the response time and the WARNING URL's raw text. */
export interface RecordListTrailer {
    datetime?: string;
    warningUrl?: string;
}

/** What an element becomes: a level to walk into, a subtree to skip, or an element to collect whole. */
type Route = 'descend' | 'skip' | 'item' | 'datetime' | 'warning' | 'error';

/** Thrown from the parser's handlers to stop at a failure; carries it out of saxes. */
class Stop extends Error {
    constructor(readonly failure: ConnectorError) {
        super(failure.message);
    }
}

/**
 * Reads a record list response, `<ROOT><RESPONSE><DATETIME/><LIST><ITEM/>…</LIST><WARNING/></RESPONSE></ROOT>`
 * (the KnowledgeBase and the scan list), handing each ITEM to `onItem` as soon as it closed: only the record being
 * read is held as a tree. The text is parsed in slices with a turn of the event loop between them, so a large
 * answer never stops the process from answering its health checks, and it is bounded like a host detection page
 * ({@link XmlLimits}: depth, value and record sizes; no DTD of its own). Skipped content is never gathered.
 *
 * A `SIMPLE_RETURN` root throws its mapped ConnectorError; any other root, a body that is not XML, malformed XML
 * and a document outside the bounds throw `protocol` ConnectorErrors. A ConnectorError thrown by `onItem` (a record
 * the mapper cannot read) ends the read as it is.
 */
export async function readRecordList(
    xml: string,
    names: RecordListNames,
    onItem: (item: XmlElement) => void,
    limits: XmlLimits = RECORD_LIST_LIMITS
): Promise<RecordListTrailer> {
    const reader = new RecordListReader(names, onItem, limits);
    return reader.read(xml);
}

class RecordListReader {
    private readonly parser = createXmlParser();
    private readonly input: ChunkDecoder;
    private readonly builder: XmlTreeBuilder;
    private readonly path: string[] = [];
    private readonly trailer: RecordListTrailer = {};
    private rootName: string | undefined;
    private rootClosed = false;
    private collecting: Route | undefined;
    private skipDepth = 0;
    private closePending = false;
    private tagHasAttributes = false;
    private readonly onText = (text: string): void => {
        if (this.closePending) this.settleClose();
        if (this.collecting === undefined) return;
        this.builder.text(text, this.input.takeCut(this.parser.position)?.originalLength);
    };

    constructor(
        private readonly names: RecordListNames,
        private readonly onItem: (item: XmlElement) => void,
        private readonly limits: XmlLimits
    ) {
        this.input = new ChunkDecoder(limits);
        this.builder = new XmlTreeBuilder(limits);
        this.attachHandlers();
    }

    async read(xml: string): Promise<RecordListTrailer> {
        for (let offset = 0; offset < xml.length; offset += MAX_SAX_WRITE) {
            this.write(this.input.decode(xml.slice(offset, offset + MAX_SAX_WRITE)));
            if (this.rootClosed) break;
            // A turn of the event loop per slice: the admin API and the other polls keep running meanwhile.
            if (offset + MAX_SAX_WRITE < xml.length) await nextTurn();
        }
        if (!this.rootClosed) this.write(this.input.end());
        if (this.rootName === undefined) {
            throw this.notDocument(xml.trim() === '' ? 'empty body' : 'not XML');
        }
        if (!this.rootClosed) {
            throw this.malformed(xmlPosition(this.parser), 'the document ended before its root element closed');
        }
        return this.trailer;
    }

    private write(text: string): void {
        try {
            if (text !== '') this.parser.write(text);
            if (this.closePending) this.settleClose();
        } catch (error) {
            if (error instanceof Stop) throw error.failure;
            if (error instanceof XmlLimitError) throw this.refused(error);
            throw error;
        }
        const refused = this.input.failure;
        if (refused !== undefined && !this.rootClosed) throw this.refused(refused);
    }

    private attachHandlers(): void {
        const parser = this.parser;
        parser.on('opentagstart', tag => {
            if (this.closePending) this.settleClose();
            if (this.rootName !== undefined) return;
            this.rootName = tag.name;
            if (tag.name !== this.names.root && !SIMPLE_RETURN_ROOTS.includes(tag.name)) {
                throw new Stop(this.notDocument(`root <${tag.name}>`));
            }
        });
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
            if (this.rootName === undefined) throw new Stop(this.notDocument('not XML'));
            throw new Stop(this.malformed(xmlPosition(parser), reason));
        });
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
        else if (route === 'skip') {
            this.skipDepth = 1;
            this.parser.off('text');
            this.parser.off('cdata');
        } else {
            this.collecting = route;
            this.builder.open(name, attributes);
        }
    }

    private route(name: string): Route {
        const { root, list, item } = this.names;
        switch (this.path[this.path.length - 1]) {
            case undefined:
                if (this.rootClosed) return 'skip';
                return name === root ? 'descend' : 'error';
            case root:
                return name === 'RESPONSE' ? 'descend' : 'skip';
            case 'RESPONSE':
                if (name === list) return 'descend';
                return name === 'DATETIME' ? 'datetime' : name === 'WARNING' ? 'warning' : 'skip';
            case list:
                return name === item || this.names.otherItems?.includes(name) === true ? 'item' : 'skip';
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
            if (this.skipDepth === 0) {
                this.parser.on('text', this.onText);
                this.parser.on('cdata', this.onText);
            }
            return;
        }
        this.path.pop();
        if (this.path.length === 0) this.rootClosed = true;
    }

    private complete(collected: Route, element: XmlElement): void {
        if (collected === 'item') {
            try {
                this.onItem(element);
            } catch (error) {
                if (ConnectorError.is(error)) throw new Stop(error);
                throw error;
            }
        } else if (collected === 'datetime') {
            const text = elementText(element);
            if (text !== '') this.trailer.datetime = text;
        } else if (collected === 'warning') {
            const url = element.children?.find(child => child.name === 'URL');
            const text = url === undefined ? '' : elementText(url);
            if (text !== '') this.trailer.warningUrl = text;
        } else {
            throw new Stop(simpleReturnToError(simpleReturnFromElement(element)));
        }
    }

    private notDocument(detail: string): ConnectorError {
        return new ConnectorError('protocol', `response is not a Qualys ${this.names.document} document (${detail})`, {
            hint: "check that host points at your platform's API server (qualysapi.*), see the platform table"
        });
    }

    private malformed(position: string, reason: string): ConnectorError {
        return new ConnectorError(
            'protocol',
            `malformed XML at ${position} in the ${this.names.document} response: ${reason}`,
            { hint: 'Qualys sent XML that cannot be parsed; retry later (if it persists, check proxies in between)' }
        );
    }

    private refused(error: XmlLimitError): ConnectorError {
        return new ConnectorError(
            'protocol',
            `refused the ${this.names.document} response at ${xmlPosition(this.parser)}: ${error.message}`,
            {
                hint:
                    'Qualys never sends this; the call is made again. If it persists, check what sits between the ' +
                    'connector and Qualys (a proxy or gateway rewriting responses)'
            }
        );
    }
}
