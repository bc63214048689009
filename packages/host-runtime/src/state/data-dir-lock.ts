import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Logger } from '@signal-connectors/connector-sdk';
import { StateStoreError } from './state-store-error.js';

/**
 * An exclusive, process-lifetime lock on a state database: a `<database>.lock` file holding the owner's pid.
 * SQLite's own locks only last a transaction, so without this two runtimes on one dataDir would both poll
 * and interleave their checkpoints.
 *
 * The file is created atomically with its content (written aside, then hard-linked into place, which fails
 * if the lock exists), so nobody ever reads a half-written lock. A lock whose pid is no longer running (a
 * crashed runtime) is taken over, with a log line.
 */
export class DataDirLock {
    private held = true;

    private constructor(
        /** The lock file. */
        readonly path: string
    ) {}

    /**
     * Takes the lock of `databasePath`; throws a `locked` {@link StateStoreError} when a live process holds it
     * (this process included: the same database must not be opened twice).
     */
    static acquire(databasePath: string, logger?: Logger): DataDirLock {
        const path = `${databasePath}.lock`;
        if (tryCreate(path)) return new DataDirLock(path);
        const owner = readOwner(path);
        if (owner !== undefined && isRunning(owner)) {
            const holder =
                owner === process.pid
                    ? `this process (pid ${owner}; it is already open)`
                    : `another process (pid ${owner})`;
            throw StateStoreError.locked(databasePath, holder);
        }
        logger?.warn('Taking over a stale state database lock: the process that held it is no longer running', {
            lockFile: path,
            stalePid: owner
        });
        rmSync(path, { force: true });
        // Two runtimes may find the same stale lock; only one of them wins the re-creation.
        if (tryCreate(path)) return new DataDirLock(path);
        throw StateStoreError.locked(databasePath, `another process (pid ${readOwner(path) ?? 'unknown'})`);
    }

    /** Releases the lock, if this process still owns it. Idempotent. */
    release(): void {
        if (!this.held) return;
        this.held = false;
        // Never remove a lock someone else took over (e.g. after this process was suspended for a long time).
        if (readOwner(this.path) === process.pid) rmSync(this.path, { force: true });
    }
}

/** Creates the lock file with this process's pid; false when it already exists. */
function tryCreate(path: string): boolean {
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, `${process.pid}\n`, { flag: 'wx' });
    try {
        linkSync(temporary, path);
        return true;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
    } finally {
        rmSync(temporary, { force: true });
    }
}

/** The pid in a lock file; undefined when it is missing or does not hold a pid. */
function readOwner(path: string): number | undefined {
    let text: string;
    try {
        text = readFileSync(path, 'utf8');
    } catch {
        return undefined;
    }
    const pid = Number.parseInt(text.trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process with this pid exists (EPERM means it does, but belongs to another user). */
function isRunning(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
}
