import type { QualysCloudMetadata, QualysCloudTag, QualysMetadataAttribute, UnmappedFields } from '../model/index.js';
import { FieldTable, mapRecord } from './record-fields.js';
import { addUnmapped, keepUnmapped, type XmlElement } from './xml-element.js';

const ATTRIBUTE_FIELDS = new FieldTable<QualysMetadataAttribute>([
    ['NAME', ['name', 'text']],
    ['VALUE', ['value', 'text']],
    ['LAST_STATUS', ['lastStatus', 'text']],
    ['LAST_SUCCESS_DATE', ['lastSuccessDate', 'text']],
    ['LAST_ERROR_DATE', ['lastErrorDate', 'text']],
    ['LAST_ERROR', ['lastError', 'text']]
]);

const CLOUD_TAG_FIELDS = new FieldTable<QualysCloudTag>([
    ['NAME', ['name', 'text']],
    ['VALUE', ['value', 'text']],
    ['LAST_SUCCESS_DATE', ['lastSuccessDate', 'text']]
]);

/**
 * `METADATA` (`host_metadata=all`): one block per provider element (`EC2`, `AZURE`, `GOOGLE`, `ALICLOUD`, or any
 * other name Qualys adds), each a list of `ATTRIBUTE{NAME, VALUE, LAST_STATUS, LAST_SUCCESS_DATE, LAST_ERROR_DATE,
 * LAST_ERROR}`. Whatever else the block holds (an attribute without a NAME, unknown parts) goes to
 * `unmapped.METADATA`, shaped as read.
 */
export function mapCloudMetadata(element: XmlElement, hostUnmapped: UnmappedFields): QualysCloudMetadata[] {
    const blocks: QualysCloudMetadata[] = [];
    const rest = attributesOf(element);
    for (const provider of element.children ?? []) {
        if (provider.children === undefined) {
            keepUnmapped(rest, provider);
            continue;
        }
        const attributes: QualysMetadataAttribute[] = [];
        const providerRest = attributesOf(provider);
        for (const child of provider.children) {
            const { record, rest: attributeRest } = recordOf(child, 'ATTRIBUTE', ATTRIBUTE_FIELDS);
            if (record?.name === undefined) {
                keepUnmapped(providerRest, child);
                continue;
            }
            attributes.push(record as QualysMetadataAttribute);
            if (hasKeys(attributeRest)) addUnmapped(providerRest, 'ATTRIBUTE', { NAME: record.name, ...attributeRest });
        }
        if (attributes.length > 0) blocks.push({ source: provider.name, attributes });
        if (hasKeys(providerRest)) addUnmapped(rest, provider.name, providerRest);
    }
    if (hasKeys(rest)) addUnmapped(hostUnmapped, element.name, rest);
    return blocks;
}

/** `CLOUD_PROVIDER_TAGS/CLOUD_TAG{NAME, VALUE, LAST_SUCCESS_DATE}` (`show_cloud_tags=1`). */
export function mapCloudTags(element: XmlElement, hostUnmapped: UnmappedFields): QualysCloudTag[] {
    const tags: QualysCloudTag[] = [];
    const rest = attributesOf(element);
    for (const child of element.children ?? []) {
        const { record, rest: tagRest } = recordOf(child, 'CLOUD_TAG', CLOUD_TAG_FIELDS);
        if (record?.name === undefined) {
            keepUnmapped(rest, child);
            continue;
        }
        tags.push(record as QualysCloudTag);
        if (hasKeys(tagRest)) addUnmapped(rest, 'CLOUD_TAG', { NAME: record.name, ...tagRest });
    }
    if (hasKeys(rest)) addUnmapped(hostUnmapped, element.name, rest);
    return tags;
}

function recordOf<T>(
    element: XmlElement,
    name: string,
    fields: FieldTable<T>
): { record?: Partial<T>; rest: UnmappedFields } {
    return element.name === name ? mapRecord(element, fields) : { rest: {} };
}

function attributesOf(element: XmlElement): UnmappedFields {
    return element.attributes === undefined ? {} : { $: { ...element.attributes } };
}

function hasKeys(record: UnmappedFields): boolean {
    for (const key in record) if (Object.hasOwn(record, key)) return true;
    return false;
}
