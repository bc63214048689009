import {
    SecretRedactor,
    type Logger,
    type LoggerFactory,
    type LoggerLabels,
    type LogMeta
} from '@signal-connectors/connector-sdk';

/** One log line of an instance, as the console shows it: already redacted. */
export interface InstanceLogLine {
    at: string;
    level: 'error' | 'warn' | 'info' | 'debug';
    message: string;
}

/** Keeps the latest log lines of each instance in memory (a ring per instance), for the console. */
export class InstanceLogBook {
    private readonly lines = new Map<string, InstanceLogLine[]>();

    constructor(private readonly perInstance = 200) {}

    add(instanceId: string, line: InstanceLogLine): void {
        let ring = this.lines.get(instanceId);
        if (ring === undefined) {
            ring = [];
            this.lines.set(instanceId, ring);
        }
        ring.push(line);
        if (ring.length > this.perInstance) ring.splice(0, ring.length - this.perInstance);
    }

    /** The latest lines of an instance, newest last. */
    recent(instanceId: string, limit = this.perInstance): InstanceLogLine[] {
        return (this.lines.get(instanceId) ?? []).slice(-limit);
    }

    forget(instanceId: string): void {
        this.lines.delete(instanceId);
    }
}

/**
 * A {@link LoggerFactory} that writes through another one and also keeps each instance's lines (those labelled
 * with an instance, or whose meta names one) in an {@link InstanceLogBook}. Lines are scrubbed of every secret
 * registered, exactly as the log output is, before they are kept: debug lines are not kept at all.
 */
export class RecordingLoggerFactory implements LoggerFactory {
    private readonly redactor = new SecretRedactor();

    constructor(
        private readonly inner: LoggerFactory,
        readonly book: InstanceLogBook
    ) {}

    create(labels: LoggerLabels = {}): Logger {
        return new RecordingLogger(this.inner.create(labels), labels, this);
    }

    registerSecret(value: string): void {
        this.inner.registerSecret(value);
        this.redactor.registerSecret(value);
    }

    /** Scrubs `text` of every registered secret. */
    redact(text: string): string {
        return this.redactor.redactString(text);
    }

    /** Keeps a line when it belongs to an instance. */
    record(level: InstanceLogLine['level'], labels: LoggerLabels, message: string, meta?: LogMeta): void {
        if (level === 'debug') return;
        const instance = labels.instance ?? (typeof meta?.instance === 'string' ? meta.instance : undefined);
        if (instance === undefined) return;
        this.book.add(instance, { at: new Date().toISOString(), level, message: this.redact(message) });
    }
}

class RecordingLogger implements Logger {
    constructor(
        private readonly inner: Logger,
        private readonly labels: LoggerLabels,
        private readonly factory: RecordingLoggerFactory
    ) {}

    error(message: string, meta?: LogMeta): void {
        this.inner.error(message, meta);
        this.factory.record('error', this.labels, message, meta);
    }

    warn(message: string, meta?: LogMeta): void {
        this.inner.warn(message, meta);
        this.factory.record('warn', this.labels, message, meta);
    }

    info(message: string, meta?: LogMeta): void {
        this.inner.info(message, meta);
        this.factory.record('info', this.labels, message, meta);
    }

    debug(message: string, meta?: LogMeta): void {
        this.inner.debug(message, meta);
    }

    child(labels: Record<string, string>): Logger {
        return new RecordingLogger(this.inner.child(labels), { ...this.labels, ...labels }, this.factory);
    }
}
