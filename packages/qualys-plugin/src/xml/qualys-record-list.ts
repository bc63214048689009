import { cleanUrl } from './field-values.js';
import { childText } from './child-text.js';
import { childElement, children, parseQualysDocument, type Xml2jsValue } from './xml2js-document.js';

/** The records of a small Qualys list response, with the response's time and WARNING URL. */
export interface QualysRecordList<T> {
    records: T[];
    responseDatetime?: string;
    /** The WARNING URL, should Qualys ever page the list. */
    warningUrl?: string;
}

/**
 * Reads `<ROOT><RESPONSE><DATETIME/><LIST><ITEM/>…</LIST><WARNING><URL/></WARNING></RESPONSE></ROOT>`, the
 * shape of the KnowledgeBase and scan list responses, mapping each ITEM with `map`. A `SIMPLE_RETURN` root
 * throws its mapped ConnectorError; anything else unexpected is a `protocol` ConnectorError.
 */
export async function parseQualysRecordList<T>(
    xml: string,
    names: { root: string; list: string; item: string; document: string },
    map: (item: Xml2jsValue) => T
): Promise<QualysRecordList<T>> {
    const root = await parseQualysDocument(xml, names.root, names.document);
    const response = childElement(root, 'RESPONSE');
    const result: QualysRecordList<T> = { records: [] };
    for (const list of children(response, names.list)) {
        if (typeof list === 'object') for (const item of children(list, names.item)) result.records.push(map(item));
    }
    const datetime = childText(response, 'DATETIME');
    if (datetime !== undefined) result.responseDatetime = datetime;
    const url = childText(childElement(response, 'WARNING'), 'URL');
    if (url !== undefined) result.warningUrl = cleanUrl(url);
    return result;
}
