import type { CatalogEntry, CatalogField } from './catalog.js';

/** Options of {@link formatCatalog}. */
export interface CatalogFormatOptions {
    /** Wrap descriptions at this width (default 100). */
    width?: number;
    /** Only the summary table, without each connector's details and settings (default false). */
    summaryOnly?: boolean;
}

/** Suggestions beyond this many are counted, not listed: a listing is for reading, the JSON is for tools. */
const MAX_SUGGESTIONS = 4;

/**
 * Formats the catalog for a terminal: a summary table of every connector, then each connector's description,
 * capabilities, docs and settings (type, required, default, allowed values, examples; secret fields flagged).
 */
export function formatCatalog(entries: readonly CatalogEntry[], options: CatalogFormatOptions = {}): string {
    if (entries.length === 0) {
        return 'No connector plugins found. Install a plugin package (npm install <plugin>) or add a directory to pluginDirs.\n';
    }
    const width = options.width ?? 100;
    const lines: string[] = [`${entries.length} connector${entries.length === 1 ? '' : 's'} available`, ''];
    lines.push(
        ...table(
            ['ID', 'NAME', 'VENDOR', 'CATEGORY', 'AUTH', 'POLLING', 'INSTANCES'],
            entries.map(e => [
                e.id,
                e.displayName,
                e.vendor,
                e.category,
                [e.authMethod, ...e.authAlternatives].join('|'),
                e.defaultPollingInterval,
                e.multiInstance ? 'many' : 'one'
            ])
        )
    );
    if (options.summaryOnly !== true) {
        for (const entry of entries) lines.push('', ...details(entry, width));
    }
    return `${lines.join('\n')}\n`;
}

function details(entry: CatalogEntry, width: number): string[] {
    const pkg =
        entry.packageName === undefined
            ? ''
            : ` [${entry.packageName}${entry.packageVersion === undefined ? '' : `@${entry.packageVersion}`}]`;
    const lines = [`${entry.id}: ${entry.displayName} by ${entry.vendor}${pkg}`];
    lines.push(...wrap(entry.description, width, '  '));
    lines.push(
        `  Category: ${entry.category}; auth: ${authText(entry)}; polls every ${entry.defaultPollingInterval} by default; ` +
            (entry.multiInstance ? 'several instances allowed' : 'one instance only')
    );
    if (entry.capabilities.length > 0) lines.push(`  Capabilities: ${entry.capabilities.join(', ')}`);
    lines.push(`  Streams: ${entry.streams.map(stream => stream.id).join(', ')}`);
    lines.push(`  Docs: ${entry.docsUrl}`);
    if (entry.fields.length === 0) {
        lines.push('  Settings: none');
        return lines;
    }
    lines.push('  Settings:');
    for (const field of entry.fields) lines.push(...fieldLines(field, width));
    return lines;
}

function fieldLines(field: CatalogField, width: number): string[] {
    const flags = [field.type, field.required ? 'required' : 'optional', ...(field.secret ? ['secret'] : [])].join(
        ', '
    );
    const title = field.title === undefined ? '' : `: ${field.title}`;
    const lines = [`    ${field.name} (${flags})${title}`];
    const indent = '        ';
    if (field.description !== undefined) lines.push(...wrap(field.description, width, indent));
    if (field.secret)
        lines.push(`${indent}Write-only: redacted in logs; set it from an environment variable or file reference.`);
    if (field.default !== undefined) lines.push(`${indent}Default: ${show(field.default)}`);
    if (field.enum !== undefined) lines.push(`${indent}Allowed: ${field.enum.map(show).join(', ')}`);
    if (field.suggestions !== undefined) {
        const shown = field.suggestions.slice(0, MAX_SUGGESTIONS).map(show).join(', ');
        const more = field.suggestions.length - MAX_SUGGESTIONS;
        lines.push(`${indent}Examples: ${shown}${more > 0 ? ` (+${more} more)` : ''}`);
    }
    return lines;
}

/** Left-aligned columns separated by two spaces. */
function table(header: string[], rows: string[][]): string[] {
    const widths = header.map((title, i) => Math.max(title.length, ...rows.map(row => row[i].length)));
    return [header, ...rows].map(row =>
        row
            .map((cell, i) => cell.padEnd(widths[i]))
            .join('  ')
            .trimEnd()
    );
}

/** Word-wraps `text` to `width` columns, each line prefixed with `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
    const lines: string[] = [];
    let line = '';
    for (const word of text.split(/\s+/).filter(w => w !== '')) {
        if (line !== '' && indent.length + line.length + 1 + word.length > width) {
            lines.push(indent + line);
            line = word;
        } else {
            line = line === '' ? word : `${line} ${word}`;
        }
    }
    if (line !== '') lines.push(indent + line);
    return lines;
}

function show(value: unknown): string {
    return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `basic`, or `basic (default) or token` when an instance can choose. */
function authText(entry: CatalogEntry): string {
    if (entry.authAlternatives.length === 0) return entry.authMethod;
    return `${entry.authMethod} (default) or ${entry.authAlternatives.join(' or ')}`;
}
