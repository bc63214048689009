import type { Writable } from 'node:stream';
import { injectable, unmanaged } from 'inversify';
import winston from 'winston';
import { logLineFormat, type LogLineFormat } from './log-line-format.js';
import type { Logger, LoggerFactory, LoggerLabels } from './logger.js';
import { SecretRedactor } from './secret-redactor.js';
import { definedLabels, WinstonLogger } from './winston-logger.js';

/** Levels a {@link WinstonLoggerFactory} accepts, most severe first. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options of a {@link WinstonLoggerFactory}. */
export interface WinstonLoggerFactoryOptions {
    /**
     * `json`: one JSON object a line; `pretty`: readable colourised lines; `text`: plain readable lines without
     * escape codes; `auto` (default): `pretty` when the output is a terminal, `json` otherwise.
     */
    format?: LogLineFormat | 'auto';
    /** Lowest level written; default `LOG_LEVEL` from the environment, else `info`. */
    level?: LogLevel;
    /**
     * Where lines go; default `process.stderr`, so that stdout stays free for data (the `stdout` sink writes
     * artifacts there).
     */
    stream?: Writable;
}

/**
 * The host's {@link LoggerFactory}: winston underneath, one output and one set of secrets shared by every
 * logger it makes. Secrets are scrubbed from messages, meta (at any depth, errors included) and labels:
 * registered values (at least 4 characters; shorter ones are ignored so output is not mangled), their
 * base64 and URL-encoded forms, `Basic`/`Bearer` credentials, URL passwords, and the values of meta keys
 * that name a secret (`password`, `token`, `authorization`, `apiKey`, …).
 */
@injectable()
export class WinstonLoggerFactory implements LoggerFactory {
    private lineFormat: LogLineFormat;
    private lowestLevel: LogLevel;
    private readonly redactor = new SecretRedactor();
    private readonly output: winston.Logger;

    constructor(@unmanaged() options: WinstonLoggerFactoryOptions = {}) {
        const stream = options.stream ?? process.stderr;
        this.lowestLevel = options.level ?? levelFromEnv(process.env.LOG_LEVEL);
        this.lineFormat = resolveFormat(options.format ?? 'auto', stream);
        this.output = winston.createLogger({
            level: this.lowestLevel,
            levels: { error: 0, warn: 1, info: 2, debug: 3 },
            format: logLineFormat(this.lineFormat),
            transports: [new winston.transports.Stream({ stream })],
            exitOnError: false
        });
    }

    /** The format lines are written in, `auto` resolved. */
    get format(): LogLineFormat {
        return this.lineFormat;
    }

    /**
     * Switches every logger of this factory to `format` from the next line on: a config file can choose the format
     * only once it is read, after the first lines were logged.
     */
    setFormat(format: LogLineFormat): void {
        this.lineFormat = format;
        this.output.format = logLineFormat(format);
    }

    /** The lowest level written. */
    get level(): LogLevel {
        return this.lowestLevel;
    }

    /** Changes the lowest level written, for every logger of this factory. */
    setLevel(level: LogLevel): void {
        this.lowestLevel = level;
        this.output.level = level;
    }

    create(labels?: LoggerLabels): Logger {
        return new WinstonLogger(this.output, this.redactor, definedLabels(labels));
    }

    registerSecret(value: string): void {
        this.redactor.registerSecret(value);
    }

    /** Scrubs `text` the way log lines are scrubbed, for output that does not go through a logger. */
    redact(text: string): string {
        return this.redactor.redactString(text);
    }
}

/** A level name from the environment, falling back to `info` for anything unknown. */
function levelFromEnv(value: string | undefined): LogLevel {
    const level = value?.trim().toLowerCase();
    return (LOG_LEVELS as readonly string[]).includes(level ?? '') ? (level as LogLevel) : 'info';
}

function resolveFormat(format: LogLineFormat | 'auto', stream: Writable): LogLineFormat {
    if (format !== 'auto') {
        return format;
    }
    return (stream as Writable & { isTTY?: boolean }).isTTY === true ? 'pretty' : 'json';
}
