import type { DatabaseSync } from 'node:sqlite';

let savepointCounter = 0;

/** SQLite's `synchronous` levels the state database uses (`PRAGMA synchronous` reads them back as 1 and 2). */
export const SYNCHRONOUS_NORMAL = 'NORMAL';
const SYNCHRONOUS_FULL = 'FULL';

/**
 * Runs `work` atomically: everything it wrote is committed together, or (when it throws) nothing is. Called
 * inside another transaction it uses a savepoint, so it can be nested. `BEGIN IMMEDIATE` takes the write lock
 * up front, so a busy database fails at the start instead of half way through.
 */
export function runInTransaction<T>(db: DatabaseSync, work: () => T): T {
    if (db.isTransaction) {
        const name = `nested_${++savepointCounter}`;
        db.exec(`SAVEPOINT ${name}`);
        try {
            const result = work();
            db.exec(`RELEASE ${name}`);
            return result;
        } catch (error) {
            db.exec(`ROLLBACK TO ${name}`);
            db.exec(`RELEASE ${name}`);
            throw error;
        }
    }
    db.exec('BEGIN IMMEDIATE');
    try {
        const result = work();
        db.exec('COMMIT');
        return result;
    } catch (error) {
        // SQLite may already have rolled back (e.g. after SQLITE_FULL); ROLLBACK would then fail and hide `error`.
        if (db.isTransaction) db.exec('ROLLBACK');
        throw error;
    }
}

/**
 * Runs `work` in a transaction (see {@link runInTransaction}) whose commit is synced to the device before it returns
 * (`synchronous = FULL`), with every commit before it: for what an operator saves, which no later poll would write
 * again. The connection is back at `NORMAL` afterwards. Inside another transaction it is only a savepoint: the
 * outer commit decides.
 */
export function runDurably<T>(db: DatabaseSync, work: () => T): T {
    if (db.isTransaction) return runInTransaction(db, work);
    db.exec(`PRAGMA synchronous = ${SYNCHRONOUS_FULL}`);
    try {
        return runInTransaction(db, work);
    } finally {
        db.exec(`PRAGMA synchronous = ${SYNCHRONOUS_NORMAL}`);
    }
}
