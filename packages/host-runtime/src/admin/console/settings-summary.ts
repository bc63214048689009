import { getPath } from '../../service/settings-paths.js';
import type { FormField } from './config-form.js';
import { humanizeKey } from './format.js';

/** One line of an instance's settings: the manifest's title and the value as a person reads it. */
export interface SettingRow {
    label: string;
    value: string;
}

/**
 * An instance's settings as the detail page lists them, in the manifest's order and labelled with its titles:
 * a secret only as `configured` (or `not set`), a value from a list by its label, a default marked as such,
 * optional settings without a value left out. Settings the schema does not describe keep their key, in words.
 */
export function settingRows(
    settings: Record<string, unknown>,
    configuredSecrets: readonly string[],
    fields: readonly FormField[]
): SettingRow[] {
    const rows: SettingRow[] = [];
    for (const field of fields) {
        if (field.secret) {
            rows.push({ label: field.title, value: configuredSecrets.includes(field.path) ? 'configured' : 'not set' });
            continue;
        }
        const value = getPath(settings, field.path);
        if (value !== undefined) rows.push({ label: field.title, value: display(field, value) });
        else if (field.default !== undefined) rows.push({ label: field.title, value: `${display(field, field.default)} (default)` });
    }
    const described = new Set(fields.map(field => field.path));
    for (const [path, value] of leaves(settings)) {
        if (!described.has(path)) rows.push({ label: path.split('.').map(humanizeKey).join(' › '), value: display(undefined, value) });
    }
    for (const path of configuredSecrets) {
        if (!described.has(path)) rows.push({ label: path.split('.').map(humanizeKey).join(' › '), value: 'configured' });
    }
    return rows;
}

function display(field: FormField | undefined, value: unknown): string {
    const label = (item: unknown): string =>
        field?.options.find(option => option.value === String(item))?.label ?? (typeof item === 'string' ? item : JSON.stringify(item));
    if (typeof value === 'boolean') return value ? 'Yes' : 'No';
    if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(label).join(', ');
    return label(value);
}

/** `[dotted path, value]` of every non-object value. */
function leaves(value: Record<string, unknown>, prefix = ''): [string, unknown][] {
    return Object.entries(value).flatMap(([key, inner]): [string, unknown][] =>
        inner !== null && typeof inner === 'object' && !Array.isArray(inner)
            ? leaves(inner as Record<string, unknown>, `${prefix}${key}.`)
            : [[`${prefix}${key}`, inner]]
    );
}
