/** Structured fields attached to a log line. */
export type LogMeta = Record<string, unknown>;

/** A logger whose output is already labelled and redacted by the host. */
export interface Logger {
    error(message: string, meta?: LogMeta): void;
    warn(message: string, meta?: LogMeta): void;
    info(message: string, meta?: LogMeta): void;
    debug(message: string, meta?: LogMeta): void;
    /** A logger whose lines also carry `labels`. */
    child(labels: Record<string, string>): Logger;
}

/** Labels every connector log line carries. */
export interface LoggerLabels {
    connector?: string;
    instance?: string;
    [label: string]: string | undefined;
}

/** DI token for {@link LoggerFactory}. */
export const LoggerFactory = Symbol.for('@signal-connectors/connector-sdk:LoggerFactory');

/** Makes labelled loggers that share one output and one set of redacted secrets. */
export interface LoggerFactory {
    create(labels?: LoggerLabels): Logger;
    /** From now on, this exact string is replaced by `[REDACTED]` wherever it would be written. */
    registerSecret(value: string): void;
}
