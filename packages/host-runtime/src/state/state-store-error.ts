/** Why the state database could not be opened or used. */
export type StateStoreErrorReason = 'locked' | 'corrupt' | 'newer_schema' | 'io';

/**
 * The state database cannot be used as it is. The message says what is wrong and what to do; the database is
 * never recreated or deleted behind the user's back, because losing it means re-syncing (and redelivering)
 * everything.
 */
export class StateStoreError extends Error {
    readonly reason: StateStoreErrorReason;
    /** The database file concerned. */
    readonly path: string;

    constructor(reason: StateStoreErrorReason, path: string, message: string, options: { cause?: unknown } = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'StateStoreError';
        this.reason = reason;
        this.path = path;
    }

    /** Another process (another `signal-client`) holds the data directory. */
    static locked(path: string, holder: string): StateStoreError {
        return new StateStoreError(
            'locked',
            path,
            `state database ${path} is locked by ${holder}: stop the other signal-client or use a different dataDir`
        );
    }

    /** The file is not a SQLite database, or fails its integrity check. */
    static corrupt(path: string, detail: string, cause?: unknown): StateStoreError {
        return new StateStoreError(
            'corrupt',
            path,
            `state database ${path} is corrupt (${detail}): stop signal-client, move the file aside (with any ` +
                `state.db-wal and state.db-shm next to it) and restart to re-sync from scratch (artifacts may be ` +
                'redelivered)',
            { cause }
        );
    }

    /** The database was written by a newer release whose schema this one does not know. */
    static newerSchema(path: string, found: number, supported: number): StateStoreError {
        return new StateStoreError(
            'newer_schema',
            path,
            `state database ${path} has schema version ${found}, but this signal-client supports up to ` +
                `${supported}: upgrade signal-client (or restore the database from before the upgrade)`
        );
    }
}

/** SQLite result codes the store tells apart (primary codes; extended codes carry them in the low byte). */
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_CORRUPT = 11;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

/** The primary SQLite result code of an error thrown by `node:sqlite`, if it is one. */
export function sqliteErrorCode(error: unknown): number | undefined {
    const errcode = (error as { errcode?: unknown } | null)?.errcode;
    return typeof errcode === 'number' ? errcode & 0xff : undefined;
}

/**
 * Translates a SQLite error met while opening the database into a {@link StateStoreError} with advice, or
 * returns the error unchanged when it is something else.
 */
export function explainOpenError(path: string, error: unknown): unknown {
    if (error instanceof StateStoreError) return error;
    const code = sqliteErrorCode(error);
    if (code === SQLITE_NOTADB) return StateStoreError.corrupt(path, 'not a SQLite database', error);
    if (code === SQLITE_CORRUPT) return StateStoreError.corrupt(path, 'database disk image is malformed', error);
    if (code === SQLITE_BUSY || code === SQLITE_LOCKED) return StateStoreError.locked(path, 'another process');
    if (code === SQLITE_CANTOPEN || code === SQLITE_READONLY) {
        return new StateStoreError(
            'io',
            path,
            `cannot open state database ${path} for writing (${(error as Error).message}): check that the user ` +
                'running signal-client can write to dataDir and that it is on a local, writable file system',
            { cause: error }
        );
    }
    return error;
}
