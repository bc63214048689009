/**
 * Conversions of Qualys text values, shared by the host detection and record list parsers. Each returns undefined for an empty
 * value and for a value it cannot read; callers keep an unreadable value under `unmapped` so nothing is lost.
 */

/** Text, or undefined when empty (`<DOMAIN />`). */
export function textValue(text: string): string | undefined {
    return text === '' ? undefined : text;
}

/** A finite number (`4`, `7.8`), or undefined for '' and for text such as `null` or `N/A`. */
export function numberValue(text: string): number | undefined {
    if (text === '') return undefined;
    const value = Number(text);
    return Number.isFinite(value) ? value : undefined;
}

/** Qualys flags are `0`/`1`; `true`/`false` are accepted too. */
export function flagValue(text: string): boolean | undefined {
    switch (text.toLowerCase()) {
        case '1':
        case 'true':
            return true;
        case '0':
        case 'false':
            return false;
        default:
            return undefined;
    }
}

/** The kinds of scalar field the table-driven mappers read. */
export type FieldKind = 'text' | 'number' | 'flag';

/** Reads `text` as `kind`; undefined when empty or unreadable. */
export function readField(kind: FieldKind, text: string): string | number | boolean | undefined {
    if (kind === 'number') return numberValue(text);
    if (kind === 'flag') return flagValue(text);
    return textValue(text);
}

/**
 * The `id_min` of a pagination WARNING URL. The URL may arrive in CDATA with line breaks and `&amp;` left
 * escaped, so both are undone first.
 */
export function idMinFromUrl(url: string): number | undefined {
    const match = /[?&;]id_min=(\d+)/.exec(cleanUrl(url));
    return match === null ? undefined : Number(match[1]);
}

/** A URL as sent in a WARNING, without the whitespace and `&amp;` escaping some responses wrap it in. */
export function cleanUrl(url: string): string {
    return url.replace(/\s+/g, '').replace(/&amp;/gi, '&');
}
