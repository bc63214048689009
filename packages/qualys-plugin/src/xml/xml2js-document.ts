import { ConnectorError } from '@signal-connectors/connector-sdk';
import { Parser, type ParserOptions } from 'xml2js';
import type { UnmappedFields } from '../model/index.js';
import { type FieldKind, readField } from './field-values.js';
import { stripInvalidCharacterReferences, stripInvalidXmlCharacters } from './sax-input.js';
import { parseSimpleReturn, SIMPLE_RETURN_ROOTS, simpleReturnToError } from './simple-return.js';
import { addUnmapped, documentRootName } from './xml-element.js';

/** An element as xml2js gives it with the options below: attributes under `$`, text under `_`, children as arrays. */
export interface Xml2jsElement {
    $?: Record<string, string>;
    _?: string;
    [child: string]: unknown;
}

/** A child value: a string for a text-only element, an object otherwise. */
export type Xml2jsValue = string | Xml2jsElement;

/** Plain-value children of an element: element name -> model key and kind. */
export type Xml2jsFieldTable = ReadonlyMap<string, readonly [key: string, kind: FieldKind]>;

const OPTIONS: ParserOptions = {
    // Every child arrives as an array, so one vs many needs no special case.
    explicitArray: true,
    explicitRoot: true,
    // Whitespace is trimmed per value by the mappers: xml2js' `normalize` would collapse it inside values.
    trim: false,
    normalize: false,
    normalizeTags: false,
    mergeAttrs: false,
    attrkey: '$',
    charkey: '_',
    explicitCharkey: false,
    emptyTag: '',
    // Strict sax underneath: no DTD is fetched and no entity declared in one is expanded.
    strict: true,
    async: false
};

/**
 * Parses a small Qualys document and returns its root element. A `SIMPLE_RETURN` or `GENERIC_RETURN` root
 * throws its mapped ConnectorError; any other unexpected root, a body that is not XML and malformed XML throw
 * `protocol` ConnectorErrors.
 * @param documentName for messages, e.g. `KnowledgeBase`.
 */
export async function parseQualysDocument(xml: string, root: string, documentName: string): Promise<Xml2jsElement> {
    // xml2js stops at the first sax error, so forbidden characters (literal or as `&#1;`) go first. Unlike the
    // streaming parser, an unknown named entity then fails the document: these are small and easily retried.
    const text = stripInvalidCharacterReferences(stripInvalidXmlCharacters(xml));
    const rootName = documentRootName(text);
    if (rootName !== undefined && SIMPLE_RETURN_ROOTS.includes(rootName)) {
        throw simpleReturnToError(parseSimpleReturn(text) ?? { items: {} });
    }
    if (rootName !== root) {
        const detail = rootName !== undefined ? `root <${rootName}>` : text.trim() === '' ? 'empty body' : 'not XML';
        throw new ConnectorError('protocol', `response is not a Qualys ${documentName} document (${detail})`, {
            hint: "check that host points at your platform's API server (qualysapi.*), see the platform table"
        });
    }
    let parsed: Record<string, unknown>;
    try {
        parsed = (await new Parser(OPTIONS).parseStringPromise(text)) as Record<string, unknown>;
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const position = /Line: (\d+)\s+Column: (\d+)/.exec(message);
        const where = position === null ? '' : ` at line ${Number(position[1]) + 1}, column ${position[2]}`;
        throw new ConnectorError(
            'protocol',
            `malformed XML${where} in the ${documentName} response: ${message.split('\n', 1)[0]}`,
            {
                hint: 'Qualys sent XML that cannot be parsed; retry later (if it persists, check proxies in between)',
                cause: error
            }
        );
    }
    const value = parsed[root];
    return typeof value === 'object' && value !== null ? (value as Xml2jsElement) : {};
}

/** The children named `name` (none -> empty array). */
export function children(element: Xml2jsElement | undefined, name: string): Xml2jsValue[] {
    const value = element?.[name];
    return Array.isArray(value) ? (value as Xml2jsValue[]) : [];
}

/** The first child named `name` that has children or attributes. */
export function childElement(element: Xml2jsElement | undefined, name: string): Xml2jsElement | undefined {
    const value = children(element, name)[0];
    return typeof value === 'object' ? value : undefined;
}

/** A value's text, trimmed (CDATA on its own line) with internal whitespace kept. */
export function textOf(value: Xml2jsValue | undefined): string {
    if (value === undefined) return '';
    return (typeof value === 'string' ? value : (value._ ?? '')).trim();
}

/** A value as plain data, in the same shape the host detection parser uses for `unmapped`. */
export function xml2jsToUnmapped(value: Xml2jsValue): unknown {
    if (typeof value === 'string') return value.trim();
    const result: UnmappedFields = {};
    for (const [name, content] of Object.entries(value)) {
        if (name === '$') result.$ = { ...(content as Record<string, string>) };
        else if (name === '_') {
            if ((content as string).trim() !== '') result._ = (content as string).trim();
        } else {
            for (const item of content as Xml2jsValue[]) addUnmapped(result, name, xml2jsToUnmapped(item));
        }
    }
    return result;
}

/** Keeps every value under `name` in `unmapped`. */
export function keepAll(unmapped: UnmappedFields, name: string, values: readonly Xml2jsValue[]): void {
    for (const value of values) addUnmapped(unmapped, name, xml2jsToUnmapped(value));
}

/**
 * Maps an element's children: plain values through `fields`, containers through `handlers`, everything else
 * (and anything a plain value cannot hold: attributes, nested elements, repeats, unreadable text) to `unmapped`.
 * Returns whether any plain value was read.
 */
export function mapElement(
    element: Xml2jsElement,
    fields: Xml2jsFieldTable,
    target: Record<string, unknown>,
    unmapped: UnmappedFields,
    handlers: Record<string, (values: Xml2jsValue[]) => void> = {}
): boolean {
    let mapped = false;
    for (const [name, content] of Object.entries(element)) {
        if (name === '$') {
            unmapped.$ = { ...(content as Record<string, string>) };
            continue;
        }
        if (name === '_') {
            if ((content as string).trim() !== '') unmapped._ = (content as string).trim();
            continue;
        }
        const values = content as Xml2jsValue[];
        const field = fields.get(name);
        if (field !== undefined) {
            const [first, ...repeats] = values;
            const value = readField(field[1], textOf(first));
            if (value !== undefined) target[field[0]] = value;
            mapped ||= value !== undefined;
            const whole = typeof first === 'object' && Object.keys(first).some(key => key !== '_');
            if ((value === undefined && textOf(first) !== '') || whole) keepAll(unmapped, name, [first]);
            keepAll(unmapped, name, repeats);
        } else if (Object.hasOwn(handlers, name)) {
            handlers[name](values);
        } else {
            keepAll(unmapped, name, values);
        }
    }
    return mapped;
}
