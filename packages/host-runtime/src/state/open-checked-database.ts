import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { ensurePrivateFile, restrictFile } from '../files/file-modes.js';
import { assertNotHeld, lockDatabase } from './data-dir-lock.js';
import { explainOpenError, StateStoreError } from './state-store-error.js';
import { SYNCHRONOUS_NORMAL } from './sqlite-transaction.js';

/** Files SQLite keeps beside a database; it creates them with the database file's mode. */
const COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'];

/** The first 16 bytes of every SQLite 3 database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** Size of the SQLite file header: a shorter non-empty file cannot be a database. */
const SQLITE_HEADER_SIZE = 100;

/**
 * Opens the database at `path` and prepares it for use, checking first that it is sound: the file is created
 * private (0600) or made so, with its journal files; the file header is read by hand (so a file that is not a
 * database is refused before SQLite touches it); the database is locked for the life of the connection (see
 * {@link lockDatabase}); then SQLite's `quick_check` runs, WAL mode is enabled and `setUp` (the schema migration)
 * runs. Any failure closes the database and throws, as a `StateStoreError` with advice when the cause is known.
 * Nothing here deletes, truncates or recreates an existing file.
 */
export function openCheckedDatabase(
    path: string,
    busyTimeoutMs: number,
    setUp: (db: DatabaseSync) => void
): DatabaseSync {
    assertNotHeld(path);
    try {
        ensurePrivateFile(path);
        for (const suffix of COMPANION_SUFFIXES) restrictFile(`${path}${suffix}`);
    } catch (error) {
        throw explainOpenError(path, error);
    }
    checkHeader(path);
    let db: DatabaseSync | undefined;
    try {
        db = new DatabaseSync(path);
        db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
        lockDatabase(db, path);
        const check = db.prepare('PRAGMA quick_check(3)').all() as { quick_check: string }[];
        const findings = check
            .map(row => row.quick_check.replace(/\s*\n\s*/g, '; '))
            .filter(finding => finding !== 'ok');
        if (findings.length > 0) throw StateStoreError.corrupt(path, `integrity check failed: ${findings.join('; ')}`);
        const mode = db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string };
        if (mode.journal_mode.toLowerCase() !== 'wal') {
            throw new StateStoreError(
                'io',
                path,
                `state database ${path} cannot use WAL mode (got '${mode.journal_mode}'): put dataDir on a local file system`
            );
        }
        // NORMAL: a commit survives a crash of the process, not always a power loss; the last commits may then be
        // lost, never half of one. A poll commits its checkpoint after the sink made the batch durable, so a lost
        // commit only rewinds to an earlier checkpoint (the batches are delivered again), and it saves an fsync per
        // batch. What an operator saves is committed with FULL (see `runDurably`).
        db.exec(`PRAGMA synchronous = ${SYNCHRONOUS_NORMAL}`);
        setUp(db);
        return db;
    } catch (error) {
        try {
            db?.close();
        } catch {
            // The original error matters more than a failure to close.
        }
        throw explainOpenError(path, error);
    }
}

/**
 * Refuses a non-empty file that does not start with the SQLite header (an empty file is a new database). Runs
 * before SQLite opens the file: closing a descriptor of a file this process holds an fcntl lock on would drop it.
 */
function checkHeader(path: string): void {
    let size: number;
    try {
        size = statSync(path).size;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw new StateStoreError('io', path, `cannot read state database ${path}: ${(error as Error).message}`, {
            cause: error
        });
    }
    if (size === 0) return;
    if (size < SQLITE_HEADER_SIZE) throw StateStoreError.corrupt(path, `only ${size} bytes, not a SQLite database`);
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const fd = openSync(path, 'r');
    try {
        readSync(fd, header, 0, header.length, 0);
    } finally {
        closeSync(fd);
    }
    if (!header.equals(SQLITE_HEADER)) throw StateStoreError.corrupt(path, 'not a SQLite database');
}
