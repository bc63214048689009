import { rmSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import type { Logger } from '@signal-connectors/connector-sdk';
import { sqliteErrorCode, StateStoreError } from './state-store-error.js';

/** SQLite's "database is locked": another connection holds the lock. */
const SQLITE_BUSY = 5;

/** Databases this process holds, by path, with how to close each (see {@link closeHeldDatabases}). */
const held = new Map<string, () => void>();

/**
 * Takes the data directory's lock for the life of the connection: SQLite's own lock on the database file, in
 * exclusive locking mode, so it is an operating system lock (fcntl) that the kernel releases when the process
 * ends, however it ends. A restart after `kill -9`, in a fresh container or with the pid of the dead process
 * always finds the database free; a second live process on the same data directory is refused (after SQLite's
 * busy timeout) with a `locked` {@link StateStoreError}, and so is a second open in this process.
 *
 * Call it first thing after opening the connection, before anything reads the database, and
 * {@link assertNotHeld} before this process touches the file at all.
 */
export function lockDatabase(db: DatabaseSync, path: string): void {
    assertNotHeld(path);
    try {
        db.exec('PRAGMA locking_mode = EXCLUSIVE');
        // An empty exclusive transaction takes the lock now; in exclusive mode it is kept after the commit.
        db.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (error) {
        if (sqliteErrorCode(error) === SQLITE_BUSY) throw StateStoreError.locked(path, 'another process');
        throw error;
    }
}

/**
 * Refuses a database this process already holds. Checked before the file is opened in any way: closing any
 * descriptor of a file drops every fcntl lock the process holds on it, SQLite's included.
 */
export function assertNotHeld(path: string): void {
    if (held.has(path)) throw StateStoreError.locked(path, 'this process (it is already open)');
}

/** Records that this process holds `path`, and how to close it when the process must end at once. */
export function holdDatabase(path: string, close: () => void): void {
    held.set(path, close);
}

/** Forgets `path` once its connection is closed. */
export function releaseDatabase(path: string): void {
    held.delete(path);
}

/**
 * Closes every database this process holds, ignoring failures: for an exit after an uncaught error, so the WAL is
 * checkpointed and the lock given back before the process ends (the kernel would release the lock anyway).
 */
export function closeHeldDatabases(): void {
    for (const close of [...held.values()]) {
        try {
            close();
        } catch {
            // The process is ending; a database that cannot close is recovered from its WAL on the next start.
        }
    }
    held.clear();
}

/**
 * Removes the `<database>.lock` pid file of earlier releases: it guards nothing now, and a pid in it says nothing
 * (in a container the service is pid 1 again after every restart).
 */
export function removeLegacyLockFile(databasePath: string, logger?: Logger): void {
    const path = `${databasePath}.lock`;
    try {
        rmSync(path);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        logger?.warn('Could not remove the lock file of an earlier release; it is not used any more', {
            lockFile: path,
            error
        });
        return;
    }
    logger?.info('Removed the lock file of an earlier release: the state database now locks itself', {
        lockFile: path
    });
}
