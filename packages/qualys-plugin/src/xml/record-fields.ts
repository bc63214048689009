import type { UnmappedFields } from '../model/index.js';
import { type FieldKind, readField } from './field-values.js';
import { addUnmapped, elementText, elementToUnmapped, keepUnmapped, type XmlElement } from './xml-element.js';

/** A model object being filled from elements. */
export type Target = Record<string, unknown>;

/** A model property and the kind of value it holds. */
export type Field<T> = readonly [key: keyof T & string, kind: FieldKind];

/**
 * Element name -> model field. Every element name is a new string, which a Map would hash on each lookup;
 * comparing it with the one or two names of the same length is cheaper, and this runs for every element read.
 */
export class FieldTable<T> {
    private readonly byLength: (readonly [string, Field<T>])[][] = [];

    constructor(entries: readonly (readonly [string, Field<T>])[]) {
        for (const entry of entries) (this.byLength[entry[0].length] ??= []).push(entry);
    }

    get(name: string): Field<T> | undefined {
        const candidates = this.byLength[name.length];
        if (candidates === undefined) return undefined;
        for (const [candidate, field] of candidates) if (candidate === name) return field;
        return undefined;
    }
}

/** A container of plain values (DNS_DATA, TAG): the values it holds and, as plain data, the rest. */
export function mapRecord<T>(
    element: XmlElement,
    fields: FieldTable<T>
): { record: Partial<T>; mapped: boolean; rest: UnmappedFields } {
    const record: Target = {};
    let mapped = false;
    const rest: UnmappedFields = element.attributes === undefined ? {} : { $: { ...element.attributes } };
    for (const child of element.children ?? []) {
        const field = fields.get(child.name);
        if (field === undefined) keepUnmapped(rest, child);
        else mapped = readScalar(record, rest, child, field[0], field[1]) || mapped;
    }
    return { record: record as Partial<T>, mapped, rest };
}

/** Reads one value element; returns whether it produced a value. */
export function readScalar(
    target: Target,
    unmapped: UnmappedFields,
    element: XmlElement,
    key: string,
    kind: FieldKind
): boolean {
    const text = elementText(element);
    const value = target[key] === undefined ? readField(kind, text) : undefined;
    if (value !== undefined) target[key] = value;
    // Keep what the model cannot hold: an unreadable or repeated value, attributes, nested elements.
    if ((value === undefined && text !== '') || element.attributes !== undefined || element.children !== undefined) {
        keepUnmapped(unmapped, element);
    }
    return value !== undefined;
}

/** The object under `unmapped[name]` that collects a mapped container's unknown parts. */
export function container(unmapped: UnmappedFields, name: string): UnmappedFields {
    const existing = unmapped[name];
    if (typeof existing === 'object' && existing !== null && !Array.isArray(existing))
        return existing as UnmappedFields;
    const created: UnmappedFields = {};
    addUnmapped(unmapped, name, created);
    return created;
}

/**
 * Keeps an unknown part of a mapped container under `unmapped[name]`, creating that object only when the part
 * holds something (an empty element adds nothing).
 */
export function keepUnmappedIn(unmapped: UnmappedFields, name: string, element: XmlElement): void {
    const value = elementToUnmapped(element);
    if (value !== undefined) addUnmapped(container(unmapped, name), element.name, value);
}
