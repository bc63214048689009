import type { UnmappedFields } from '../model/index.js';
import {
    ChunkDecoder,
    createXmlParser,
    isRecoverableXmlError,
    MISMATCHED_CLOSE_TAG,
    xmlErrorReason
} from './sax-input.js';

/** A parsed element: just enough of XML to map Qualys records. */
export interface XmlElement {
    name: string;
    /** Undefined when the element has no attributes. */
    attributes?: Record<string, string>;
    /** Text and CDATA of the element itself, concatenated in document order, untrimmed. */
    text: string;
    /** Undefined when the element has no child elements. */
    children?: XmlElement[];
}

/**
 * Builds {@link XmlElement} trees from parser events. Used for one record at a time (a HOST, a WARNING, a
 * SIMPLE_RETURN), so the streaming parser never holds more than the record being read.
 */
export class XmlTreeBuilder {
    private readonly stack: XmlElement[] = [];

    /** Elements currently open in this builder. */
    get depth(): number {
        return this.stack.length;
    }

    /** The outermost element being built (also after a parse error, for partial results). */
    get root(): XmlElement | undefined {
        return this.stack[0];
    }

    /**
     * Opens an element as a child of the innermost open one. `attributes` is undefined for an element without any;
     * the parser creates a fresh object per tag, so keeping the reference is safe.
     */
    open(name: string, attributes: Record<string, string> | undefined): void {
        // Every element gets the same four properties, so the mappers' property reads stay monomorphic.
        const element: XmlElement = { name, text: '', attributes, children: undefined };
        const parent = this.stack[this.stack.length - 1];
        if (parent !== undefined) (parent.children ??= []).push(element);
        this.stack.push(element);
    }

    /** Text or CDATA: adjacent pieces concatenate, which rejoins a `]]>` split across two CDATA sections. */
    text(text: string): void {
        const current = this.stack[this.stack.length - 1];
        if (current !== undefined) current.text += text;
    }

    /** Closes the innermost element and returns it. */
    close(): XmlElement {
        const element = this.stack.pop();
        if (element === undefined) throw new Error('XmlTreeBuilder.close() without an open element');
        return element;
    }
}

/** The element's text with surrounding whitespace trimmed (CDATA often sits on its own indented line). */
export function elementText(element: XmlElement): string {
    return element.text.trim();
}

/**
 * Adds a value under `name`, turning a repeated name into an array. Defines the property rather than
 * assigning it, so an element called `__proto__` stays data.
 */
export function addUnmapped(target: UnmappedFields, name: string, value: unknown): void {
    if (!Object.hasOwn(target, name)) {
        Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
        return;
    }
    const existing = target[name];
    if (Array.isArray(existing)) existing.push(value);
    else target[name] = [existing, value];
}

/**
 * An element as plain data: text only -> string; otherwise an object with attributes under `$`, text under
 * `_` and children by name (repeated names -> array), the same shape xml2js produces.
 */
export function elementToUnmapped(element: XmlElement): unknown {
    const text = elementText(element);
    if (element.attributes === undefined && element.children === undefined) return text;
    const value: UnmappedFields = {};
    if (element.attributes !== undefined) value.$ = { ...element.attributes };
    if (text !== '') value._ = text;
    for (const child of element.children ?? []) addUnmapped(value, child.name, elementToUnmapped(child));
    return value;
}

/** Adds the element's plain-data form to `target` under its own name. */
export function keepUnmapped(target: UnmappedFields, element: XmlElement): void {
    addUnmapped(target, element.name, elementToUnmapped(element));
}

/** Thrown from parser handlers to end a synchronous parse early. */
class StopParsing extends Error {}

/**
 * Parses a small, complete document into a tree, but only when its root is one of `roots`: any other root
 * stops the parse at once (a large host detection body is not read to find out it is not an error).
 * A parse error after the root opened returns what was read; anything else returns undefined.
 */
export function parseSmallDocument(xml: string, roots: readonly string[]): XmlElement | undefined {
    const parser = createXmlParser();
    const input = new ChunkDecoder();
    const builder = new XmlTreeBuilder();
    let accepted = false;
    let hasAttributes = false;
    let complete: XmlElement | undefined;
    // A close takes effect at the next event, so a mismatched close tag (reported, then failed) closes nothing.
    let closePending = false;
    const settleClose = (): void => {
        closePending = false;
        const element = builder.close();
        if (builder.depth === 0) {
            complete = element;
            throw new StopParsing();
        }
    };
    const text = (text: string): void => {
        if (closePending) settleClose();
        builder.text(text);
    };
    parser.on('opentagstart', tag => {
        if (closePending) settleClose();
        if (!accepted) {
            accepted = roots.includes(tag.name);
            if (!accepted) throw new StopParsing();
        }
    });
    parser.on('attribute', () => {
        hasAttributes = true;
    });
    parser.on('opentag', tag => {
        builder.open(tag.name, hasAttributes ? tag.attributes : undefined);
        hasAttributes = false;
    });
    parser.on('text', text);
    parser.on('cdata', text);
    parser.on('closetag', () => {
        if (closePending) settleClose();
        closePending = true;
    });
    parser.on('error', error => {
        const reason = xmlErrorReason(error);
        if (isRecoverableXmlError(reason)) return;
        if (reason === MISMATCHED_CLOSE_TAG) closePending = false;
        else if (closePending) settleClose();
        throw new StopParsing();
    });
    try {
        parser.write(input.decode(xml) + input.end());
        if (closePending) settleClose();
        parser.close();
    } catch (error) {
        if (!(error instanceof StopParsing)) throw error;
    }
    if (!accepted) return undefined;
    return complete ?? builder.root;
}

/** The name of a document's root element, read without parsing further; undefined when there is none. */
export function documentRootName(xml: string): string | undefined {
    const parser = createXmlParser();
    let root: string | undefined;
    parser.on('opentagstart', tag => {
        root = tag.name;
        throw new StopParsing();
    });
    parser.on('error', error => {
        if (!isRecoverableXmlError(xmlErrorReason(error))) throw new StopParsing();
    });
    try {
        // Only the prolog is read, where nothing needs the repairs of a ChunkDecoder.
        parser.write(xml);
    } catch (error) {
        if (!(error instanceof StopParsing)) throw error;
    }
    return root;
}
