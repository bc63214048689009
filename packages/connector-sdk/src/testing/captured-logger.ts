import type { LogMeta, Logger } from '../logging/logger.js';

/** A log level of {@link Logger}. */
export type CapturedLogLevel = 'error' | 'warn' | 'info' | 'debug';

/** One line a {@link CapturedLogger} recorded. */
export interface CapturedLogEntry {
    level: CapturedLogLevel;
    message: string;
    meta?: LogMeta;
    /** The labels of the logger that wrote it (including its parents'). */
    labels: Readonly<Record<string, string>>;
}

/**
 * A {@link Logger} that records every line, for assertions. Children (`child(labels)`) add labels and write to
 * the same record, so one logger handed to a connector captures everything it and its helpers log.
 * Unlike the host's logger it redacts nothing: a test that checks `text()` for secrets checks the connector.
 */
export class CapturedLogger implements Logger {
    /** Every line recorded by this logger and its children, oldest first. */
    readonly entries: CapturedLogEntry[];
    readonly labels: Readonly<Record<string, string>>;

    constructor(labels: Record<string, string> = {}, entries: CapturedLogEntry[] = []) {
        this.labels = { ...labels };
        this.entries = entries;
    }

    error(message: string, meta?: LogMeta): void {
        this.record('error', message, meta);
    }

    warn(message: string, meta?: LogMeta): void {
        this.record('warn', message, meta);
    }

    info(message: string, meta?: LogMeta): void {
        this.record('info', message, meta);
    }

    debug(message: string, meta?: LogMeta): void {
        this.record('debug', message, meta);
    }

    child(labels: Record<string, string>): CapturedLogger {
        return new CapturedLogger({ ...this.labels, ...labels }, this.entries);
    }

    /** The messages logged, optionally only those of one level. */
    messages(level?: CapturedLogLevel): string[] {
        return this.entries.filter(entry => level === undefined || entry.level === level).map(entry => entry.message);
    }

    /**
     * Everything logged as one text: level, message, labels and meta of every line, strings written raw (not
     * JSON-escaped) and errors with their message, stack, cause and properties. For "no secret appears"
     * assertions: `expect(logger.text()).not.to.contain(password)`.
     */
    text(): string {
        return this.entries
            .map(
                entry =>
                    `[${entry.level}] ${entry.message} ${searchableText(entry.labels)} ${searchableText(entry.meta)}`
            )
            .join('\n');
    }

    /** Forgets every recorded line (of this logger, its parent and its children). */
    clear(): void {
        this.entries.length = 0;
    }

    private record(level: CapturedLogLevel, message: string, meta?: LogMeta): void {
        this.entries.push({ level, message, ...(meta === undefined ? {} : { meta }), labels: this.labels });
    }
}

/**
 * Renders any value as text for searching: strings raw (a secret containing `"` or `\` is found as written),
 * objects with their keys, errors with name, message, stack, cause, own properties and `toJSON()`, Maps and
 * Sets with their entries, circular references marked. Not meant to be parsed back.
 */
export function searchableText(value: unknown, seen: Set<unknown> = new Set()): string {
    if (value === null || value === undefined) return String(value);
    if (typeof value !== 'object') return typeof value === 'function' ? `[function ${value.name}]` : String(value);
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    const render = (inner: unknown): string => searchableText(inner, seen);
    if (value instanceof Error) {
        const parts = [`${value.name}: ${value.message}`, value.stack ?? ''];
        const own = Object.entries(value).map(([key, inner]) => `${key}: ${render(inner)}`);
        if (value.cause !== undefined) own.push(`cause: ${render(value.cause)}`);
        const toJSON = (value as { toJSON?: () => unknown }).toJSON;
        if (typeof toJSON === 'function') own.push(`json: ${render(toJSON.call(value))}`);
        return [...parts, ...own].join('\n');
    }
    if (value instanceof Map) return `Map{${[...value].map(([k, v]) => `${render(k)}: ${render(v)}`).join(', ')}}`;
    if (value instanceof Set) return `Set{${[...value].map(render).join(', ')}}`;
    if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
    if (value instanceof Date) return value.toISOString();
    return `{${Object.entries(value)
        .map(([key, inner]) => `${key}: ${render(inner)}`)
        .join(', ')}}`;
}
