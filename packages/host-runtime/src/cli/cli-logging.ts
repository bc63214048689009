import { Writable } from 'node:stream';
import { LOG_LEVELS, WinstonLoggerFactory, type LogLevel } from '@signal-connectors/connector-sdk';
import type { CliIo } from './cli-io.js';
import { StatusLine } from './status-line.js';

/** The global logging options (`--log-level`, `--log-format`). */
export interface LoggingOptions {
    logLevel?: LogLevel;
    logFormat?: 'json' | 'pretty';
}

/** How a command logs: one logger factory for everything, and the progress line when stderr is a terminal. */
export interface CliLogging {
    loggerFactory: WinstonLoggerFactory;
    /** Present only on a terminal: progress is then a line updated in place instead of log lines. */
    statusLine?: StatusLine;
    /** Whether the level was chosen by the user (`--log-level` or `LOG_LEVEL`), not defaulted. */
    levelChosen: boolean;
}

/**
 * Sets up logging to stderr: `--log-format`, else readable lines on a terminal and JSON lines otherwise;
 * `--log-level`, else `LOG_LEVEL`, else `defaultLevel`.
 */
export function setUpLogging(io: CliIo, options: LoggingOptions, defaultLevel: LogLevel = 'info'): CliLogging {
    const terminal = io.stderr.isTTY === true;
    const statusLine = terminal ? new StatusLine(io.stderr) : undefined;
    const fromEnv = io.env.LOG_LEVEL?.trim().toLowerCase();
    const envLevel = (LOG_LEVELS as readonly string[]).includes(fromEnv ?? '') ? (fromEnv as LogLevel) : undefined;
    const chosen = options.logLevel ?? envLevel;
    const loggerFactory = new WinstonLoggerFactory({
        format: options.logFormat ?? (terminal ? 'pretty' : 'json'),
        level: chosen ?? defaultLevel,
        stream: statusLine?.logStream ?? io.stderr
    });
    return { loggerFactory, statusLine, levelChosen: chosen !== undefined };
}

/**
 * A logger factory whose lines go nowhere, for composing a host only to collect its problems (`validate`
 * prints them itself, so the host's own log line per problem would say everything twice).
 */
export function silentLoggerFactory(): WinstonLoggerFactory {
    const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    return new WinstonLoggerFactory({ format: 'json', level: 'error', stream: discard });
}
