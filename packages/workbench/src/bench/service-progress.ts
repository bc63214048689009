/** What one instance of a `signal-client run` did, as its log lines tell. */
export interface InstanceProgress {
    /** When its first poll started (ms since the epoch, the log line's time). */
    firstStartedAt?: number;
    /** When its first successful poll finished. */
    firstSuccessAt?: number;
    /** Detections its first successful poll fetched. */
    firstDetections?: number;
    /** Polls that ended, by how they ended. */
    succeeded: number;
    failed: number;
    /** Detections fetched over every poll. */
    detections: number;
    /** The last failure's message, for the report. */
    lastError?: string;
}

/** Non-JSON lines kept: the last ones explain a crash. */
const MAX_OTHER_LINES = 50;

/** One JSON log line of the service, as much of it as is read here. */
interface LogLine {
    time?: string;
    level?: string;
    message?: string;
    instance?: string;
    detections?: number;
}

/**
 * Follows a `signal-client run` through its JSON log lines (`LOG_FORMAT=json`, level info): when each instance
 * started and first finished a poll successfully, and the detections fetched. These lines are the service's
 * own account (`Poll started`, `Poll succeeded`, `Poll failed`, the plugin's `qualys: fetched host detections`),
 * read as they come because the state database is locked by the running service.
 */
export class ServiceProgress {
    private readonly instances = new Map<string, InstanceProgress>();
    /** The last lines that were not JSON (a start-up banner, a crash): kept for the report when something goes wrong. */
    readonly otherLines: string[] = [];
    /** Detections fetched by each instance's poll in progress, taken when it succeeds. */
    private readonly pending = new Map<string, number>();

    constructor(readonly expectedInstances: readonly string[]) {
        for (const id of expectedInstances) this.instances.set(id, { succeeded: 0, failed: 0, detections: 0 });
    }

    /** Takes one line of the service's stderr. */
    take(line: string): void {
        let parsed: LogLine;
        try {
            parsed = JSON.parse(line) as LogLine;
        } catch {
            if (line.trim() === '') return;
            this.otherLines.push(line);
            if (this.otherLines.length > MAX_OTHER_LINES) this.otherLines.shift();
            return;
        }
        const id = parsed.instance;
        const progress = id === undefined ? undefined : this.instances.get(id);
        if (id === undefined || progress === undefined || parsed.message === undefined) return;
        const at = parsed.time === undefined ? Date.now() : Date.parse(parsed.time);
        const message = parsed.message;
        if (message === 'Poll started') {
            progress.firstStartedAt ??= at;
            this.pending.set(id, 0);
        } else if (message === 'qualys: fetched host detections' && typeof parsed.detections === 'number') {
            this.pending.set(id, (this.pending.get(id) ?? 0) + parsed.detections);
            progress.detections += parsed.detections;
        } else if (message.startsWith('Poll succeeded')) {
            progress.succeeded += 1;
            if (progress.firstSuccessAt === undefined) {
                progress.firstSuccessAt = at;
                progress.firstDetections = this.pending.get(id) ?? 0;
            }
        } else if (message.startsWith('Poll failed')) {
            progress.failed += 1;
            progress.lastError = message;
        }
    }

    /** The progress of one instance. */
    of(id: string): InstanceProgress | undefined {
        return this.instances.get(id);
    }

    /** Every expected instance with its progress, in the order given. */
    all(): { id: string; progress: InstanceProgress }[] {
        return this.expectedInstances.map(id => ({ id, progress: this.instances.get(id)! }));
    }

    /** True once every expected instance has finished a poll successfully. */
    get allPolled(): boolean {
        return this.all().every(({ progress }) => progress.firstSuccessAt !== undefined);
    }
}
