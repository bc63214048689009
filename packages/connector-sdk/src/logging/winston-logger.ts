import type winston from 'winston';
import type { LogMeta, Logger } from './logger.js';
import type { SecretRedactor } from './secret-redactor.js';

type Level = 'error' | 'warn' | 'info' | 'debug';

// Keys the line format owns; a meta field of the same name is kept under `_<name>` instead of overwriting it.
const RESERVED_KEYS = new Set(['level', 'message', 'time']);

/**
 * A {@link Logger} writing through a shared winston logger. Labels and meta are redacted here, before
 * winston sees them, so no format or transport can ever receive a secret.
 */
export class WinstonLogger implements Logger {
    constructor(
        private readonly output: winston.Logger,
        private readonly redactor: SecretRedactor,
        private readonly labels: Readonly<Record<string, string>>
    ) {}

    error(message: string, meta?: LogMeta): void {
        this.write('error', message, meta);
    }

    warn(message: string, meta?: LogMeta): void {
        this.write('warn', message, meta);
    }

    info(message: string, meta?: LogMeta): void {
        this.write('info', message, meta);
    }

    debug(message: string, meta?: LogMeta): void {
        this.write('debug', message, meta);
    }

    child(labels: Record<string, string>): Logger {
        return new WinstonLogger(this.output, this.redactor, { ...this.labels, ...definedLabels(labels) });
    }

    private write(level: Level, message: string, meta: LogMeta | undefined): void {
        // Checked first so a disabled debug line costs nothing, redaction included.
        if (!this.output.isLevelEnabled(level)) {
            return;
        }
        const fields: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(this.labels)) {
            fields[key] = this.redactor.redactString(value);
        }
        const redactedMeta = meta === undefined ? {} : (this.redactor.redactValue(meta) as Record<string, unknown>);
        // Stack traces are for whoever debugs: an operator's log says what happened and what to do.
        if (!this.output.isLevelEnabled('debug')) dropStacks(redactedMeta);
        for (const [key, value] of Object.entries(redactedMeta)) {
            const name = RESERVED_KEYS.has(key) || key in this.labels ? `_${key}` : key;
            fields[name] = value;
        }
        const text = this.redactor.redactString(typeof message === 'string' ? message : String(message));
        try {
            this.output.log({ ...fields, level, message: text });
        } catch {
            // Logging must never break the caller (e.g. a closed output stream at shutdown).
        }
    }
}

/**
 * Removes `stack` from every serialised error in a redacted value (an object with `name`, `message` and `stack`,
 * as {@link SecretRedactor.redactValue} writes errors), causes included. The value is a fresh copy: it is changed
 * in place.
 */
function dropStacks(value: unknown): void {
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
        for (const item of value) dropStacks(item);
        return;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.stack === 'string' && typeof record.message === 'string' && typeof record.name === 'string') {
        delete record.stack;
    }
    for (const child of Object.values(record)) dropStacks(child);
}

/** Labels with undefined values dropped: `LoggerLabels` allows them, log lines should not show them. */
export function definedLabels(labels: Record<string, string | undefined> | undefined): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [key, value] of Object.entries(labels ?? {})) {
        if (value !== undefined) {
            result[key] = String(value);
        }
    }
    return result;
}
