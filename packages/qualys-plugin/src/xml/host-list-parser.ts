import { ConnectorError } from '@signal-connectors/connector-sdk';
import { cleanUrl, idMinFromUrl } from './field-values.js';
import { readRecordList } from './record-list-reader.js';
import { elementText } from './xml-element.js';

/** An inclusive range of host ids. */
export interface HostIdRange {
    min: number;
    max: number;
}

/** One page of a Host List response read with `details=None`: its host ids, and where the next page starts. */
export interface HostIdPage {
    /** Ascending, non-overlapping ranges (a single id is a range of one). */
    ranges: HostIdRange[];
    /** The number of host ids the page holds. */
    count: number;
    responseDatetime?: string;
    /** `id_min` of the next page, read from the WARNING URL; undefined on the last page. */
    nextIdMin?: number;
}

/**
 * Parses a Host List response (`HOST_LIST_OUTPUT`) asked with `details=None`: an `ID_SET` of `ID` and
 * `ID_RANGE` (`a-b`) elements, and a WARNING with the next page's URL, with the bounds of every record list
 * (`readRecordList`). Ids come back as sorted, merged ranges, so a page of any size costs a few numbers per run of
 * consecutive ids. A `SIMPLE_RETURN` throws its mapped ConnectorError; an id that is not a number, or a WARNING
 * without `id_min`, is a `protocol` error.
 */
export async function parseHostIdList(xml: string): Promise<HostIdPage> {
    const ranges: HostIdRange[] = [];
    const trailer = await readRecordList(
        xml,
        { root: 'HOST_LIST_OUTPUT', list: 'ID_SET', item: 'ID', otherItems: ['ID_RANGE'], document: 'host list' },
        element => ranges.push(rangeOf(elementText(element), element.name === 'ID_RANGE'))
    );
    const merged = mergeRanges(ranges);
    const page: HostIdPage = {
        ranges: merged,
        count: merged.reduce((sum, range) => sum + range.max - range.min + 1, 0)
    };
    if (trailer.datetime !== undefined) page.responseDatetime = trailer.datetime;
    if (trailer.warningUrl !== undefined) {
        const next = idMinFromUrl(trailer.warningUrl);
        if (next === undefined) {
            throw new ConnectorError(
                'protocol',
                `Qualys said more hosts remain but its WARNING URL carries no id_min (${cleanUrl(trailer.warningUrl)})`,
                { hint: 'retry later; if it persists, report the response to the connector maintainers' }
            );
        }
        page.nextIdMin = next;
    }
    return page;
}

function rangeOf(text: string, isRange: boolean): HostIdRange {
    const match = isRange ? /^(\d+)\s*-\s*(\d+)$/.exec(text.trim()) : /^(\d+)$/.exec(text.trim());
    const min = match === null ? NaN : Number(match[1]);
    const max = match === null ? NaN : Number(match[isRange ? 2 : 1]);
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
        throw new ConnectorError(
            'protocol',
            `Qualys sent a host ${isRange ? 'id range' : 'id'} that is not one: ${JSON.stringify(text)}`,
            {
                hint: 'retry later; if it persists, report the response to the connector maintainers'
            }
        );
    }
    return { min, max };
}

/** Sorts ranges and merges the overlapping or adjacent ones. */
function mergeRanges(ranges: HostIdRange[]): HostIdRange[] {
    const sorted = [...ranges].sort((a, b) => a.min - b.min);
    const merged: HostIdRange[] = [];
    for (const range of sorted) {
        const last = merged[merged.length - 1];
        if (last !== undefined && range.min <= last.max + 1) last.max = Math.max(last.max, range.max);
        else merged.push({ ...range });
    }
    return merged;
}
