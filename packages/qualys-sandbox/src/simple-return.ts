import { escapeXml } from './xml-text.js';

/** A KEY/VALUE pair of a SIMPLE_RETURN ITEM_LIST. */
export interface SimpleReturnItem {
    key: string;
    value: string | number;
}

/** The XML declaration every Qualys v2 document starts with. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" ?>\n';

/** The comment Qualys appends after the root element of its v2 documents. */
export const CONFIDENTIAL_COMMENT =
    '<!-- CONFIDENTIAL AND PROPRIETARY INFORMATION. Qualys provides the QualysGuard Service "As Is," without any ' +
    'warranty of any kind. Qualys makes no warranty that the information contained in this report is complete or ' +
    'error-free. Copyright 2024, Qualys, Inc. //-->\n';

/** Renders the `<!DOCTYPE ROOT SYSTEM "base/dtdPath">` line. */
export function doctype(root: string, baseUrl: string, dtdPath: string): string {
    return `<!DOCTYPE ${root} SYSTEM "${baseUrl}${dtdPath}">\n`;
}

/**
 * Renders a SIMPLE_RETURN document, the envelope Qualys uses for every v2 error (and some successes).
 * @param code omitted for success envelopes.
 */
export function simpleReturnXml(
    baseUrl: string,
    datetime: string,
    code: number | undefined,
    text: string,
    items: readonly SimpleReturnItem[] = []
): string {
    const itemXml = items.length
        ? '    <ITEM_LIST>\n' +
          items
              .map(
                  item =>
                      `      <ITEM>\n        <KEY>${escapeXml(item.key)}</KEY>\n` +
                      `        <VALUE>${escapeXml(String(item.value))}</VALUE>\n      </ITEM>\n`
              )
              .join('') +
          '    </ITEM_LIST>\n'
        : '';
    return (
        XML_DECLARATION +
        doctype('SIMPLE_RETURN', baseUrl, '/api/2.0/simple_return.dtd') +
        '<SIMPLE_RETURN>\n  <RESPONSE>\n' +
        `    <DATETIME>${datetime}</DATETIME>\n` +
        (code === undefined ? '' : `    <CODE>${code}</CODE>\n`) +
        `    <TEXT>${escapeXml(text)}</TEXT>\n` +
        itemXml +
        '  </RESPONSE>\n</SIMPLE_RETURN>\n'
    );
}

/** Renders the legacy v1 GENERIC_RETURN error Qualys still emits for internal errors (999). */
export function genericReturnXml(username: string, datetime: string, path: string): string {
    return (
        XML_DECLARATION +
        '<GENERIC_RETURN>\n' +
        `  <API name="${escapeXml(path)}" username="${escapeXml(username)}" at="${datetime}"/>\n` +
        '  <RETURN status="FAILED" number="999">Internal error. Please contact customer support.</RETURN>\n' +
        '</GENERIC_RETURN>\n' +
        `<!-- Incident signature: ${datetime.replace(/\D/g, '')} //-->\n`
    );
}

/** An HTML error page such as a front-end web server or gateway (not the API) would return. */
export function htmlErrorPage(status: number, title: string, message: string): string {
    return (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n' +
        `<html><head>\n<title>${status} ${escapeXml(title)}</title>\n</head><body>\n` +
        `<h1>${escapeXml(title)}</h1>\n<p>${escapeXml(message)}</p>\n</body></html>\n`
    );
}
