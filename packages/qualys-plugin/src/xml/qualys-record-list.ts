import { cleanUrl } from './field-values.js';
import { readRecordList, type RecordListNames } from './record-list-reader.js';
import { toXml2jsValue, type Xml2jsValue } from './xml2js-document.js';

/** The records of a small Qualys list response, with the response's time and WARNING URL. */
export interface QualysRecordList<T> {
    records: T[];
    responseDatetime?: string;
    /** The WARNING URL, should Qualys ever page the list. */
    warningUrl?: string;
}

/**
 * Reads `<ROOT><RESPONSE><DATETIME/><LIST><ITEM/>…</LIST><WARNING><URL/></WARNING></RESPONSE></ROOT>`, the
 * shape of the KnowledgeBase and scan list responses, mapping each ITEM with `map` as soon as it is read (see
 * {@link readRecordList} for the bounds and the errors). Items reach `map` in the shape xml2js gives them.
 */
export async function parseQualysRecordList<T>(
    xml: string,
    names: RecordListNames,
    map: (item: Xml2jsValue) => T
): Promise<QualysRecordList<T>> {
    const result: QualysRecordList<T> = { records: [] };
    const trailer = await readRecordList(xml, names, item => result.records.push(map(toXml2jsValue(item))));
    if (trailer.datetime !== undefined) result.responseDatetime = trailer.datetime;
    if (trailer.warningUrl !== undefined) result.warningUrl = cleanUrl(trailer.warningUrl);
    return result;
}
