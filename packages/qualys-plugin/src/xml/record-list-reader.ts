import { setImmediate as nextTurn } from 'node:timers/promises';
import { ConnectorError } from '@signal-connectors/connector-sdk';
import { SIMPLE_RETURN_ROOTS, simpleReturnFromElement, simpleReturnToError } from './simple-return.js';
import { elementText, type XmlElement } from './xml-element.js';
import { RECORD_LIST_LIMITS, XmlLimitError, type XmlLimits } from './xml-limits.js';
import { type CollectedElement, type RecordRouteNames, XmlRecordRouter } from './xml-record-router.js';
import { MAX_WRITE_CHARS } from './xml-tokenizer.js';

/** The element names of a record list response (e.g. `KNOWLEDGE_BASE_VULN_LIST_OUTPUT`, `VULN_LIST`, `VULN`). */
export interface RecordListNames extends RecordRouteNames {
    /** e.g. `KnowledgeBase`, for messages. */
    document: string;
}

/** What a record list response holds besides its records: the response time and the WARNING URL's raw text. */
export interface RecordListTrailer {
    datetime?: string;
    warningUrl?: string;
}

/** Thrown from the tokenizer's handlers to stop at a failure; carries it out of the tokenizer. */
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

class RecordListReader extends XmlRecordRouter {
    private readonly trailer: RecordListTrailer = {};

    constructor(
        private readonly list: RecordListNames,
        private readonly onItem: (item: XmlElement) => void,
        limits: XmlLimits
    ) {
        super(list, limits);
    }

    async read(xml: string): Promise<RecordListTrailer> {
        for (let offset = 0; offset < xml.length; offset += MAX_WRITE_CHARS) {
            this.write(this.input.decode(xml.slice(offset, offset + MAX_WRITE_CHARS)));
            if (this.rootClosed) break;
            // A turn of the event loop per slice: the admin API and the other polls keep running meanwhile.
            if (offset + MAX_WRITE_CHARS < xml.length) await nextTurn();
        }
        if (!this.rootClosed) this.write(this.input.end());
        if (this.rootName === undefined) {
            throw this.notDocument(xml.trim() === '' ? 'empty body' : 'not XML');
        }
        if (!this.rootClosed) {
            throw this.malformed(this.position(), 'the document ended before its root element closed');
        }
        return this.trailer;
    }

    private write(text: string): void {
        try {
            this.writeText(text);
        } catch (error) {
            if (error instanceof Stop) throw error.failure;
            if (error instanceof XmlLimitError) throw this.refused(error);
            throw error;
        }
    }

    protected acceptRoot(name: string): void {
        if (name !== this.list.root && !SIMPLE_RETURN_ROOTS.includes(name)) {
            throw new Stop(this.notDocument(`root <${name}>`));
        }
    }

    protected parseFailure(reason: string): Error {
        if (this.rootName === undefined) return new Stop(this.notDocument('not XML'));
        return new Stop(this.malformed(this.position(), reason));
    }

    protected complete(collected: CollectedElement, element: XmlElement): void {
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
        return new ConnectorError('protocol', `response is not a Qualys ${this.list.document} document (${detail})`, {
            hint: "check that host points at your platform's API server (qualysapi.*), see the platform table"
        });
    }

    private malformed(position: string, reason: string): ConnectorError {
        return new ConnectorError(
            'protocol',
            `malformed XML at ${position} in the ${this.list.document} response: ${reason}`,
            { hint: 'Qualys sent XML that cannot be parsed; retry later (if it persists, check proxies in between)' }
        );
    }

    private refused(error: XmlLimitError): ConnectorError {
        return new ConnectorError(
            'protocol',
            `refused the ${this.list.document} response at ${this.position()}: ${error.message}`,
            {
                hint:
                    'Qualys never sends this; the call is made again. If it persists, check what sits between the ' +
                    'connector and Qualys (a proxy or gateway rewriting responses)'
            }
        );
    }
}
