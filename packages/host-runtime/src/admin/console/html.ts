/** HTML that is already safe to write as is (escaped, or markup built by {@link html}). */
export class SafeHtml {
    constructor(readonly text: string) {}

    toString(): string {
        return this.text;
    }
}

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
}

/**
 * A template tag that escapes every interpolated value unless it is {@link SafeHtml}; arrays are joined, and
 * `undefined`, `null` and `false` write nothing. Pages are built only with it, so user data is never markup.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
    let text = strings[0];
    values.forEach((value, i) => {
        text += render(value) + strings[i + 1];
    });
    return new SafeHtml(text);
}

function render(value: unknown): string {
    if (value === undefined || value === null || value === false) return '';
    if (value instanceof SafeHtml) return value.text;
    if (Array.isArray(value)) return value.map(render).join('');
    return escapeHtml(String(value));
}
