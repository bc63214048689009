import type { UnmappedFields } from '../model/index.js';
import { ChunkDecoder } from './chunk-decoder.js';
import { RECORD_LIST_LIMITS, XmlLimitError, type XmlLimits } from './xml-limits.js';
import { firstNonBlank } from './xml-references.js';
import { XmlSyntaxError, XmlTokenizer } from './xml-tokenizer.js';

/** A parsed element: just enough of XML to map Qualys records. */
export interface XmlElement {
    name: string;
    /** Undefined when the element has no attributes. */
    attributes?: Record<string, string>;
    /** Text and CDATA of the element itself, concatenated in document order, untrimmed. */
    text: string;
    /** Undefined when the element has no child elements. */
    children?: XmlElement[];
    /** Set when `text` was cut (see {@link XmlLimits.cutValues}): the length of the value as sent. */
    cutFrom?: number;
}

/** What each element adds to a record's size besides its name, value and attributes (the object holding it). */
const ELEMENT_OVERHEAD_CHARS = 64;

/** How an {@link XmlTreeBuilder} keeps text. */
export interface XmlTextKeeping {
    /**
     * Set when every reader of the tree trims text (see {@link elementText}): white space an element holds before
     * its first other text is then left out. The indentation between a record's children is most of the text events
     * of a Qualys response; joined up, it would cost an allocation per child for text nobody reads. Values that may
     * be cut ({@link XmlLimits.cutValues}) keep it, so their cut and reported length stay those of the text as sent.
     */
    readsTrimmedText: boolean;
}

const KEEPS_ALL_TEXT: XmlTextKeeping = { readsTrimmedText: false };

/**
 * Builds {@link XmlElement} trees from parser events. Used for one record at a time (a HOST, a WARNING, a
 * SIMPLE_RETURN), so the streaming parser never holds more than the record being read. Enforces the value and
 * record bounds of its {@link XmlLimits}, throwing an {@link XmlLimitError} (or cutting a value it may cut).
 */
export class XmlTreeBuilder {
    private readonly stack: XmlElement[] = [];
    private recordChars = 0;
    private recordElements = 0;

    constructor(
        private readonly limits: XmlLimits = RECORD_LIST_LIMITS,
        private readonly keeping: XmlTextKeeping = KEEPS_ALL_TEXT
    ) {}

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
        // Every element gets the same five properties, so the mappers' property reads stay monomorphic.
        const element: XmlElement = { name, text: '', attributes, children: undefined, cutFrom: undefined };
        const parent = this.stack[this.stack.length - 1];
        if (parent === undefined) this.recordChars = this.recordElements = 0;
        this.recordElements += 1;
        let size = ELEMENT_OVERHEAD_CHARS + name.length;
        for (const key in attributes) size += key.length + attributes[key].length;
        this.count(size);
        if (this.recordElements > this.limits.maxRecordElements) {
            throw new XmlLimitError(
                'elements',
                `a ${this.recordName()} record of more than ${this.limits.maxRecordElements} elements`
            );
        }
        if (parent !== undefined) (parent.children ??= []).push(element);
        this.stack.push(element);
    }

    /**
     * Text or CDATA: adjacent pieces concatenate, which rejoins a `]]>` split across two CDATA sections.
     * `cutFrom` is the length of the piece as sent when the tokenizer cut it already (see `XmlTokenizer`).
     */
    text(text: string, cutFrom?: number): void {
        const current = this.stack[this.stack.length - 1];
        if (current === undefined) return;
        const cuttable = this.limits.cutValues.has(current.name);
        if (current.text === '' && this.keeping.readsTrimmedText && !cuttable && isBlank(text)) {
            // Counted all the same: white space is part of the record as sent.
            this.count(text.length);
            return;
        }
        const cap = cuttable ? this.limits.maxCutValueChars : this.limits.maxValueChars;
        if (current.cutFrom === undefined && cutFrom === undefined && current.text.length + text.length <= cap) {
            this.count(text.length);
            current.text += text;
            return;
        }
        if (!cuttable) {
            throw new XmlLimitError('value', `the value of ${this.path()} is longer than ${cap} characters`);
        }
        current.cutFrom = (current.cutFrom ?? current.text.length) + (cutFrom ?? text.length);
        let room = cap - current.text.length;
        if (room <= 0) return;
        if (isHighSurrogate(text.charCodeAt(room - 1))) room -= 1;
        this.count(room);
        current.text += text.slice(0, room);
    }

    /** Closes the innermost element and returns it. */
    close(): XmlElement {
        const element = this.stack.pop();
        if (element === undefined) throw new Error('XmlTreeBuilder.close() without an open element');
        return element;
    }

    /** `HOST/DETECTION_LIST/DETECTION/QID`: the open elements, for messages. */
    path(): string {
        return this.stack.map(element => element.name).join('/');
    }

    private recordName(): string {
        return this.stack[0]?.name ?? 'record';
    }

    private count(chars: number): void {
        this.recordChars += chars;
        if (this.recordChars > this.limits.maxRecordChars) {
            throw new XmlLimitError(
                'record',
                `a ${this.recordName()} record larger than ${this.limits.maxRecordChars} characters`
            );
        }
    }
}

function isBlank(text: string): boolean {
    return firstNonBlank(text) === text.length;
}

function isHighSurrogate(code: number): boolean {
    return code >= 0xd800 && code <= 0xdbff;
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
 * `_` and children by name (repeated names -> array), the same shape xml2js produces. An empty element
 * (`<ASSET_GROUP_LIST />`, or one holding only empty elements) is undefined: it says nothing, and an empty string
 * in its place would read like a value. Walks the tree with a stack of its own, so no depth of nesting can
 * overflow the call stack.
 */
export function elementToUnmapped(element: XmlElement): unknown {
    if (isLeaf(element)) return leafValue(element);
    const root = unmappedShell(element);
    const stack: { element: XmlElement; value: UnmappedFields; next: number; parent?: UnmappedFields }[] = [
        { element, value: root, next: 0 }
    ];
    while (stack.length > 0) {
        const frame = stack[stack.length - 1];
        const children = frame.element.children;
        if (children === undefined || frame.next >= children.length) {
            stack.pop();
            // Added to its parent once complete, and only when it holds something.
            if (frame.parent !== undefined && hasKeys(frame.value)) {
                addUnmapped(frame.parent, frame.element.name, frame.value);
            }
            continue;
        }
        const child = children[frame.next++];
        if (isLeaf(child)) {
            const text = leafValue(child);
            if (text !== undefined) addUnmapped(frame.value, child.name, text);
            continue;
        }
        stack.push({ element: child, value: unmappedShell(child), next: 0, parent: frame.value });
    }
    return hasKeys(root) ? root : undefined;
}

function isLeaf(element: XmlElement): boolean {
    return element.attributes === undefined && element.children === undefined;
}

/** A leaf's text; undefined when empty. */
function leafValue(element: XmlElement): string | undefined {
    const text = elementText(element);
    return text === '' ? undefined : text;
}

function hasKeys(value: UnmappedFields): boolean {
    for (const key in value) if (Object.hasOwn(value, key)) return true;
    return false;
}

/** An element's attributes and own text, to which its children are added. */
function unmappedShell(element: XmlElement): UnmappedFields {
    const value: UnmappedFields = {};
    if (element.attributes !== undefined) value.$ = { ...element.attributes };
    const text = elementText(element);
    if (text !== '') value._ = text;
    return value;
}

/** Adds the element's plain-data form to `target` under its own name; an empty element adds nothing. */
export function keepUnmapped(target: UnmappedFields, element: XmlElement): void {
    const value = elementToUnmapped(element);
    if (value !== undefined) addUnmapped(target, element.name, value);
}

/** Thrown from tokenizer handlers to end a synchronous parse early. */
class StopParsing extends Error {}

/**
 * Parses a small, complete document into a tree, but only when its root is one of `roots`: any other root
 * stops the parse at once (a large host detection body is not read to find out it is not an error).
 * A parse error (or a document past the {@link RECORD_LIST_LIMITS}) after the root opened returns what was read;
 * anything else returns undefined.
 */
export function parseSmallDocument(xml: string, roots: readonly string[]): XmlElement | undefined {
    const builder = new XmlTreeBuilder();
    let accepted = false;
    let complete: XmlElement | undefined;
    const tokenizer = new XmlTokenizer({
        root(name) {
            accepted = roots.includes(name);
            if (!accepted) throw new StopParsing();
        },
        openTag(name, attributes) {
            if (builder.depth >= RECORD_LIST_LIMITS.maxDepth) throw new StopParsing();
            builder.open(name, attributes);
        },
        text(value) {
            builder.text(value);
        },
        closeTag() {
            const element = builder.close();
            if (builder.depth === 0) {
                complete = element;
                throw new StopParsing();
            }
        }
    });
    const input = new ChunkDecoder();
    try {
        tokenizer.write(input.decode(xml) + input.end());
    } catch (error) {
        // A document past the bounds is read as far as they allow, like a malformed one.
        if (!(error instanceof StopParsing || error instanceof XmlSyntaxError || error instanceof XmlLimitError)) {
            throw error;
        }
    }
    if (!accepted) return undefined;
    return complete ?? builder.root;
}

/** The name of a document's root element, read without parsing further; undefined when there is none (yet). */
export function documentRootName(xml: string): string | undefined {
    let root: string | undefined;
    const stop = (): never => {
        throw new StopParsing();
    };
    const tokenizer = new XmlTokenizer({
        root(name) {
            root = name;
            stop();
        },
        openTag: stop,
        text: stop,
        closeTag: stop
    });
    tokenizer.collectText = false;
    try {
        tokenizer.write(xml);
    } catch (error) {
        if (!(error instanceof StopParsing || error instanceof XmlSyntaxError || error instanceof XmlLimitError)) {
            throw error;
        }
    }
    return root;
}
