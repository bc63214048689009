import type { Logger, LoggerFactory, LoggerLabels } from '@signal-connectors/connector-sdk';
import { CapturedLogger } from '@signal-connectors/connector-sdk/testing';

/**
 * A {@link LoggerFactory} whose loggers all record into one {@link CapturedLogger}, and which remembers the
 * secrets registered with it. Like the host's factory it scrubs registered secrets from messages, so tests can
 * check both that secrets were registered and that nothing leaks.
 */
export class CapturedLoggerFactory implements LoggerFactory {
    readonly root = new CapturedLogger();
    readonly secrets: string[] = [];

    create(labels: LoggerLabels = {}): Logger {
        const defined = Object.fromEntries(
            Object.entries(labels).filter((entry): entry is [string, string] => entry[1] !== undefined)
        );
        return this.root.child(defined);
    }

    registerSecret(value: string): void {
        this.secrets.push(value);
    }

    /** Every line recorded, as text (for "no secret appears" assertions). */
    text(): string {
        return this.root.text();
    }
}
