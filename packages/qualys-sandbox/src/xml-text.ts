/** XML text helpers shared by the response writers. */

const CDATA_END = ']]>';

/**
 * Wraps text in a CDATA section. A literal `]]>` inside the text would end the section early, so it is split
 * across two sections (`]]` ends the first, `>` opens the second) exactly as a careful XML producer must.
 */
export function cdata(text: string): string {
    const body = text.includes(CDATA_END) ? text.replaceAll(CDATA_END, ']]]]><![CDATA[>') : text;
    return `<![CDATA[${body}]]>`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for use in element content or a double-quoted attribute. */
export function escapeXml(text: string): string {
    return /[&<>"']/.test(text) ? text.replace(/[&<>"']/g, ch => ESCAPES[ch]) : text;
}

/** Renders `<NAME>value</NAME>` with escaped content, or nothing when the value is undefined. */
export function element(indent: string, name: string, value: string | number | undefined): string {
    if (value === undefined) return '';
    return `${indent}<${name}>${typeof value === 'number' ? value : escapeXml(value)}</${name}>\n`;
}

/**
 * Renders `<NAME><![CDATA[value]]></NAME>`; with `ownLine` the CDATA sits on its own indented line, a layout real
 * Qualys output uses for some fields and which parsers must trim.
 */
export function cdataElement(indent: string, name: string, value: string | undefined, ownLine = false): string {
    if (value === undefined) return '';
    if (ownLine) return `${indent}<${name}>\n${indent}  ${cdata(value)}\n${indent}</${name}>\n`;
    return `${indent}<${name}>${cdata(value)}</${name}>\n`;
}
