import type { QualysAttackId, QualysDetection, UnmappedFields } from '../model/index.js';
import type { Target } from './record-fields.js';
import { elementText, keepUnmapped, type XmlElement } from './xml-element.js';

/*
 * Detection elements of the host detection API 5.0 that are lists: the detection's own CVEs, the sensors that
 * found it, and its MITRE ATT&CK tactics and techniques. Qualys sends them either as comma-separated text or as
 * repeated child elements; both are read. Anything else inside them goes to `unmapped` under the element name.
 */

/** 5.0 list elements -> model property. */
const LIST_FIELDS: ReadonlyMap<string, keyof QualysDetection & string> = new Map([
    ['CVE_LIST', 'cves'],
    ['VULNERABILITY_DETECTION_SOURCES', 'detectionSources']
]);

/** 5.0 MITRE ATT&CK elements -> which list and which part of each entry. */
const ATTACK_FIELDS: ReadonlyMap<string, readonly ['mitreTactics' | 'mitreTechniques', 'id' | 'name']> = new Map([
    ['MITRE_TACTIC_ID', ['mitreTactics', 'id']],
    ['MITRE_TACTIC_NAME', ['mitreTactics', 'name']],
    ['MITRE_TECHNIQUE_ID', ['mitreTechniques', 'id']],
    ['MITRE_TECHNIQUE_NAME', ['mitreTechniques', 'name']]
] as const);

/** Whether `name` is a 5.0 list element this module reads. */
export function isDetectionListElement(name: string): boolean {
    return LIST_FIELDS.has(name) || ATTACK_FIELDS.has(name);
}

/** Reads one 5.0 list element into `detection`; returns false when the element held no value. */
export function mapDetectionListElement(element: XmlElement, detection: Target, unmapped: UnmappedFields): boolean {
    const values = listValues(element, unmapped);
    if (values.length === 0) return false;
    const property = LIST_FIELDS.get(element.name);
    if (property !== undefined) {
        const existing = detection[property] as string[] | undefined;
        if (existing === undefined) detection[property] = values;
        else existing.push(...values);
        return true;
    }
    const [list, part] = ATTACK_FIELDS.get(element.name)!;
    const entries = ((detection[list] as QualysAttackId[] | undefined) ??= []);
    for (let index = 0; index < values.length; index += 1) {
        entries[index] = { ...entries[index], [part]: values[index] };
    }
    return true;
}

/** The values of a list element: its comma-separated text, or the text (or `ID`) of each child. */
function listValues(element: XmlElement, unmapped: UnmappedFields): string[] {
    if (element.children === undefined) return splitList(elementText(element));
    const values: string[] = [];
    for (const child of element.children) {
        const text = child.children === undefined ? elementText(child) : childId(child);
        if (text === undefined || text === '') keepUnmapped(unmapped, child);
        else values.push(...splitList(text));
    }
    return values;
}

/** `<CVE><ID>CVE-…</ID><URL>…</URL></CVE>`, as in the KnowledgeBase: the ID. */
function childId(element: XmlElement): string | undefined {
    const id = element.children?.find(child => child.name === 'ID');
    return id === undefined ? undefined : elementText(id);
}

/** The non-empty, trimmed parts of a comma-separated list (one per detection list element: kept cheap). */
function splitList(text: string): string[] {
    const parts: string[] = [];
    let from = 0;
    while (from <= text.length) {
        const comma = text.indexOf(',', from);
        const end = comma === -1 ? text.length : comma;
        const part = text.slice(from, end).trim();
        if (part !== '') parts.push(part);
        from = end + 1;
    }
    return parts;
}
