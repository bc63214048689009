import { ChunkDecoder } from './chunk-decoder.js';
import { type XmlElement, type XmlTextKeeping, XmlTreeBuilder } from './xml-element.js';
import { XmlLimitError, type XmlLimits } from './xml-limits.js';
import { type XmlTokenHandler, XmlSyntaxError, XmlTokenizer } from './xml-tokenizer.js';

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
 * the {@link XmlTokenizer} reads it: each record (and the DATETIME, the WARNING, or the root of an error document) is
 * built as an {@link XmlElement} tree and handed to {@link complete} when it closes; request echoes and unknown
 * blocks are skipped without their text ever being sliced out. Only the record being read is held. Bounded by its
 * {@link XmlLimits} (depth here, value and record sizes in the tree builder, tokens in the tokenizer). A close tag
 * that does not match is an error before it closes anything: a record is never completed by a wrong close tag.
 */
export abstract class XmlRecordRouter implements XmlTokenHandler {
    protected readonly tokenizer: XmlTokenizer;
    /** Turns body chunks into text for {@link writeText}. */
    protected readonly input = new ChunkDecoder();
    /** The root element's name, once it opened. */
    protected rootName: string | undefined;
    /** Set once the root element closed: the document is complete. */
    protected rootClosed = false;
    private readonly builder: XmlTreeBuilder;
    /** Names of the open elements above the record level (root, RESPONSE, the list). */
    private readonly path: string[] = [];
    private collectingNow: CollectedElement | undefined;
    private skipDepth = 0;

    /** `keeping`: how the collected elements keep their text (see {@link XmlTextKeeping}); by default, all of it. */
    constructor(
        private readonly names: RecordRouteNames,
        protected readonly limits: XmlLimits,
        keeping?: XmlTextKeeping
    ) {
        this.tokenizer = new XmlTokenizer(this, limits);
        this.tokenizer.collectText = false;
        this.builder = new XmlTreeBuilder(limits, keeping);
    }

    /** Checks the root's name when it opens (before its attributes are read); throws to refuse the document. */
    protected abstract acceptRoot(name: string): void;

    /** The error to throw for XML that is not well-formed (`reason`); {@link rootName} is unset when it is not XML. */
    protected abstract parseFailure(reason: string): Error;

    /** An element collected whole, now closed. */
    protected abstract complete(collected: CollectedElement, element: XmlElement): void;

    /** Called once, when the root element closes. */
    protected onRootClosed(): void {}

    /** What is being collected now, if anything. */
    protected get collecting(): CollectedElement | undefined {
        return this.collectingNow;
    }

    /** `line 83, column 29`: where the tokenizer is, for messages. */
    protected position(): string {
        return this.tokenizer.position();
    }

    /**
     * Hands text to the tokenizer (`newlines`: its line feeds, when counted already). XML that is not well-formed
     * throws {@link parseFailure}; an {@link XmlLimitError} and errors of the handlers propagate.
     */
    protected writeText(text: string, newlines = -1): void {
        try {
            this.tokenizer.write(text, newlines);
        } catch (error) {
            if (error instanceof XmlSyntaxError) throw this.parseFailure(error.reason);
            throw error;
        }
    }

    /** @internal tokenizer event */
    root(name: string): void {
        this.rootName = name;
        this.acceptRoot(name);
    }

    /** @internal tokenizer event */
    openTag(name: string, attributes: Record<string, string> | undefined): void {
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
        else if (route === 'skip') this.skipDepth = 1;
        else {
            this.collectingNow = route;
            this.tokenizer.collectText = true;
            this.builder.open(name, attributes);
        }
    }

    /** @internal tokenizer event */
    text(value: string, cutFrom: number | undefined): void {
        if (this.collectingNow !== undefined) this.builder.text(value, cutFrom);
    }

    /** @internal tokenizer event */
    closeTag(): void {
        if (this.collectingNow !== undefined) {
            const element = this.builder.close();
            if (this.builder.depth > 0) return;
            const collected = this.collectingNow;
            this.collectingNow = undefined;
            this.tokenizer.collectText = false;
            return this.complete(collected, element);
        }
        if (this.skipDepth > 0) {
            this.skipDepth -= 1;
            return;
        }
        this.path.pop();
        if (this.path.length === 0) {
            this.rootClosed = true;
            this.onRootClosed();
        }
    }

    /** Where an element outside a collected one belongs; REQUEST echoes and unknown blocks are skipped. */
    private route(name: string): Route {
        const { root, list, item } = this.names;
        switch (this.path[this.path.length - 1]) {
            case undefined:
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
}
