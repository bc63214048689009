import { Writable } from 'node:stream';
import {
    LOG_LEVELS,
    LOG_LINE_FORMATS,
    WinstonLoggerFactory,
    type LogLevel,
    type LogLineFormat
} from '@signal-connectors/connector-sdk';
import type { RuntimeConfig } from '../config/runtime-config.js';
import type { CliIo } from './cli-io.js';
import { StatusLine } from './status-line.js';

/** The global logging options (`--log-level`, `--log-format`). */
export interface LoggingOptions {
    logLevel?: LogLevel;
    logFormat?: LogLineFormat;
}

/** Environment variable equivalent of `--log-format` (as `LOG_LEVEL` is of `--log-level`). */
export const LOG_FORMAT_ENV = 'LOG_FORMAT';

/** How a command logs: one logger factory for everything, and the progress line when stderr is a terminal. */
export interface CliLogging {
    loggerFactory: WinstonLoggerFactory;
    /** Present only on a terminal: progress is then a line updated in place instead of log lines. */
    statusLine?: StatusLine;
    /** Whether the level was chosen by the user (`--log-level` or `LOG_LEVEL`), not defaulted. */
    levelChosen: boolean;
    /** Whether the format was chosen by the user (`--log-format` or `LOG_FORMAT`), not defaulted. */
    formatChosen: boolean;
}

/**
 * Sets up logging to stderr: `--log-format`, else `LOG_FORMAT`, else readable lines on a terminal and JSON lines
 * otherwise; `--log-level`, else `LOG_LEVEL`, else `defaultLevel`. A config file's `log` section applies later,
 * where neither was chosen ({@link applyConfigLogging}).
 */
export function setUpLogging(io: CliIo, options: LoggingOptions, defaultLevel: LogLevel = 'info'): CliLogging {
    const terminal = io.stderr.isTTY === true;
    const statusLine = terminal ? new StatusLine(io.stderr) : undefined;
    const fromEnv = io.env.LOG_LEVEL?.trim().toLowerCase();
    const envLevel = (LOG_LEVELS as readonly string[]).includes(fromEnv ?? '') ? (fromEnv as LogLevel) : undefined;
    const chosen = options.logLevel ?? envLevel;
    const chosenFormat = options.logFormat ?? formatFromEnv(io.env[LOG_FORMAT_ENV]);
    const loggerFactory = new WinstonLoggerFactory({
        format: chosenFormat ?? (terminal ? 'pretty' : 'json'),
        level: chosen ?? defaultLevel,
        stream: statusLine?.logStream ?? io.stderr
    });
    return { loggerFactory, statusLine, levelChosen: chosen !== undefined, formatChosen: chosenFormat !== undefined };
}

/** Applies a config file's `log` section to what the command line and the environment left to defaults. */
export function applyConfigLogging(logging: CliLogging, log: RuntimeConfig['log']): void {
    if (!logging.formatChosen && log?.format !== undefined) logging.loggerFactory.setFormat(log.format);
    if (!logging.levelChosen && log?.level !== undefined) logging.loggerFactory.setLevel(log.level);
}

/** `LOG_FORMAT` when it names a format; anything else is ignored, as an unknown `LOG_LEVEL` is. */
function formatFromEnv(value: string | undefined): LogLineFormat | undefined {
    const format = value?.trim().toLowerCase();
    return (LOG_LINE_FORMATS as readonly string[]).includes(format ?? '') ? (format as LogLineFormat) : undefined;
}

/**
 * A logger factory whose lines go nowhere, for composing a host only to collect its problems (`validate`
 * prints them itself, so the host's own log line per problem would say everything twice).
 */
export function silentLoggerFactory(): WinstonLoggerFactory {
    const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    return new WinstonLoggerFactory({ format: 'json', level: 'error', stream: discard });
}
