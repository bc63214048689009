import type { UnmappedFields } from '../model/index.js';
import { type FieldKind, readField } from './field-values.js';
import { addUnmapped, type XmlElement } from './xml-element.js';

/**
 * An element as xml2js gives it with explicit arrays: attributes under `$`, text under `_`, children as arrays.
 * The KnowledgeBase and scan list mappers read records in this shape (see {@link toXml2jsValue}).
 */
export interface Xml2jsElement {
    $?: Record<string, string>;
    _?: string;
    [child: string]: unknown;
}

/** A child value: a string for a text-only element, an object otherwise. */
export type Xml2jsValue = string | Xml2jsElement;

/** Plain-value children of an element: element name -> model key and kind. */
export type Xml2jsFieldTable = ReadonlyMap<string, readonly [key: string, kind: FieldKind]>;

/**
 * An element in the shape xml2js gives it (explicit arrays, attributes under `$`, text under `_`): a string for an
 * element with neither attributes nor children, an object otherwise. Built with a stack of its own, so no depth of
 * nesting can overflow the call stack.
 */
export function toXml2jsValue(element: XmlElement): Xml2jsValue {
    if (element.attributes === undefined && element.children === undefined) return element.text;
    const root = xml2jsShell(element);
    const stack: { element: XmlElement; value: Xml2jsElement; next: number }[] = [{ element, value: root, next: 0 }];
    while (stack.length > 0) {
        const frame = stack[stack.length - 1];
        const children = frame.element.children;
        if (children === undefined || frame.next >= children.length) {
            stack.pop();
            continue;
        }
        const child = children[frame.next++];
        const list = arrayOf(frame.value, child.name);
        if (child.attributes === undefined && child.children === undefined) {
            list.push(child.text);
            continue;
        }
        const value = xml2jsShell(child);
        list.push(value);
        stack.push({ element: child, value, next: 0 });
    }
    return root;
}

/** An element's attributes and (non-blank) text, to which its children are added. */
function xml2jsShell(element: XmlElement): Xml2jsElement {
    const value: Xml2jsElement = {};
    if (element.attributes !== undefined) value.$ = { ...element.attributes };
    if (element.text.trim() !== '') value._ = element.text;
    return value;
}

/** The array of children named `name`, created on first use (defined, so `__proto__` stays data). */
function arrayOf(value: Xml2jsElement, name: string): Xml2jsValue[] {
    if (!Object.hasOwn(value, name)) {
        Object.defineProperty(value, name, { value: [], enumerable: true, writable: true, configurable: true });
    }
    return value[name] as Xml2jsValue[];
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
