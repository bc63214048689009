import {
    ChunkDecoder,
    createXmlParser,
    isRecoverableXmlError,
    MISMATCHED_CLOSE_TAG,
    xmlErrorReason,
    type XmlParser
} from './sax-input.js';
import { type XmlElement, XmlTreeBuilder } from './xml-element.js';
import { XmlLimitError, type XmlLimits } from './xml-limits.js';

/** The element names that place the records of a Qualys list response: `<ROOT><RESPONSE><LIST><ITEM/>…`. */
export interface RecordRouteNames {
    /** e.g. `HOST_LIST_VM_DETECTION_OUTPUT`. */
    root: string;
    /** e.g. `HOST_LIST`. */
    list: string;
    /** e.g. `HOST`. */
    item: string;
    /** Further element names of the list's records, when it holds several kinds (an `ID_SET`: `ID`, `ID_RANGE`). */
    otherItems?: readonly string[];
}

/** What a router collects whole: a record, the response time, the paging WARNING, or an error document's root. */
export type CollectedElement = 'item' | 'datetime' | 'warning' | 'error';

/** What an element becomes: a level to walk into, a subtree to skip, or an element to collect whole. */
type Route = 'descend' | 'skip' | CollectedElement;

/**
 * Walks a Qualys list response, `<ROOT><RESPONSE><DATETIME/><LIST><ITEM/>…</LIST><WARNING/></RESPONSE></ROOT>`, as
 * saxes reads it: each record (and the DATETIME, the WARNING, or the root of an error document) is built as an
 * {@link XmlElement} tree and handed to {@link complete} when it closes; request echoes and unknown blocks are
 * skipped without their text ever being gathered. Only the record being read is held. Bounded by its
 * {@link XmlLimits} (depth here, value and record sizes in the tree builder, tokens in the {@link ChunkDecoder}).
 *
 * saxes reports a close tag first and fails on a name that does not match the open element just after. A close
 * therefore takes effect at the next event (or the end of the write), and a mismatch cancels it: a record is never
 * completed by a close tag that turns out to be wrong.
 */
export abstract class XmlRecordRouter {
    protected readonly parser: XmlParser = createXmlParser();
    /** Turns body chunks into text for {@link writeText}. */
    protected readonly input: ChunkDecoder;
    /** The root element's name, once it opened. */
    protected rootName: string | undefined;
    /** Set once the root element closed: the document is complete. */
    protected rootClosed = false;
    private readonly builder: XmlTreeBuilder;
    /** Names of the open elements above the record level (root, RESPONSE, the list). */
    private readonly path: string[] = [];
    private collectingNow: CollectedElement | undefined;
    private skipDepth = 0;
    /** A close tag reported but not applied yet. */
    private closePending = false;
    /** Whether the tag being read has attributes: saxes reports each before the tag. */
    private tagHasAttributes = false;

    /** Reports text and CDATA to the element being collected; detached while content is skipped. */
    private readonly onText = (text: string): void => {
        if (this.closePending) this.settleClose();
        if (this.collectingNow === undefined) return;
        this.builder.text(text, this.input.takeCut(this.parser.position)?.originalLength);
    };

    constructor(
        private readonly names: RecordRouteNames,
        protected readonly limits: XmlLimits
    ) {
        this.input = new ChunkDecoder(limits);
        this.builder = new XmlTreeBuilder(limits);
        this.attachHandlers();
    }

    /** Checks the root's name when it opens (before its attributes are read); throws to refuse the document. */
    protected abstract acceptRoot(name: string): void;

    /** The error to throw for XML saxes cannot read (`reason`); {@link rootName} is unset when it is not XML at all. */
    protected abstract parseFailure(reason: string): Error;

    /** An element collected whole, now closed. */
    protected abstract complete(collected: CollectedElement, element: XmlElement): void;

    /** Called once, when the root element closes. */
    protected onRootClosed(): void {}

    /** What is being collected now, if anything. */
    protected get collecting(): CollectedElement | undefined {
        return this.collectingNow;
    }

    /** Hands text to saxes, then applies a close tag still pending at its end. Errors of the handlers propagate. */
    protected writeText(text: string): void {
        if (text !== '') this.parser.write(text);
        if (this.closePending) this.settleClose();
    }

    private attachHandlers(): void {
        const parser = this.parser;
        parser.on('opentagstart', tag => {
            if (this.closePending) this.settleClose();
            // Checked before attributes are read: an HTML page fails on its root, not on an unquoted attribute.
            if (this.rootName === undefined) {
                this.rootName = tag.name;
                this.acceptRoot(tag.name);
            }
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
            throw this.parseFailure(reason);
        });
    }

    private open(name: string, attributes: Record<string, string> | undefined): void {
        if (this.path.length + this.skipDepth + this.builder.depth >= this.limits.maxDepth) {
            throw new XmlLimitError('depth', `elements nested deeper than ${this.limits.maxDepth} levels`);
        }
        if (this.collectingNow !== undefined) return this.builder.open(name, attributes);
        if (this.skipDepth > 0) {
            this.skipDepth += 1;
            return;
        }
        const route = this.route(name);
        if (route === 'descend') this.path.push(name);
        else if (route === 'skip') this.startSkipping();
        else {
            this.collectingNow = route;
            this.builder.open(name, attributes);
        }
    }

    /** Where an element outside a collected one belongs; REQUEST echoes and unknown blocks are skipped. */
    private route(name: string): Route {
        const { root, list, item } = this.names;
        switch (this.path[this.path.length - 1]) {
            case undefined:
                // A second root (two documents in one body) is not read: the first one is the response.
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
        if (this.collectingNow !== undefined) {
            const element = this.builder.close();
            if (this.builder.depth > 0) return;
            const collected = this.collectingNow;
            this.collectingNow = undefined;
            return this.complete(collected, element);
        }
        if (this.skipDepth > 0) {
            this.skipDepth -= 1;
            if (this.skipDepth === 0) this.stopSkipping();
            return;
        }
        this.path.pop();
        if (this.path.length === 0) {
            this.rootClosed = true;
            this.onRootClosed();
        }
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
}
