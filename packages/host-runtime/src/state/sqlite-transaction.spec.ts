import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckedDatabase } from './open-checked-database.js';
import { runDurably, runInTransaction } from './sqlite-transaction.js';

/** `PRAGMA synchronous` as SQLite reports it: 1 is NORMAL, 2 is FULL. */
function synchronous(db: DatabaseSync): number {
    return (db.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous;
}

function count(db: DatabaseSync): number {
    return (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
}

describe('state database commits', () => {
    let dir: string;
    let db: DatabaseSync;

    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), 'sqlite-commits-'));
        db = openCheckedDatabase(join(dir, 'state.db'), 1000, opened => opened.exec('CREATE TABLE t (v INTEGER)'));
    });
    afterEach(() => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
    });

    it('commits without a sync of its own by default (a poll syncs its batch in the sink first)', () => {
        expect(synchronous(db)).to.equal(1);
        runInTransaction(db, () => {
            db.prepare('INSERT INTO t VALUES (1)').run();
            expect(synchronous(db)).to.equal(1);
        });
        expect(count(db)).to.equal(1);
    });

    it('syncs what runDurably commits, then returns to the default', () => {
        runDurably(db, () => {
            db.prepare('INSERT INTO t VALUES (1)').run();
            expect(synchronous(db)).to.equal(2);
        });
        expect(synchronous(db)).to.equal(1);
        expect(count(db)).to.equal(1);
    });

    it('rolls a failed durable write back and still returns to the default', () => {
        expect(() =>
            runDurably(db, () => {
                db.prepare('INSERT INTO t VALUES (1)').run();
                throw new Error('refused');
            })
        ).to.throw('refused');
        expect(synchronous(db)).to.equal(1);
        expect(count(db)).to.equal(0);
    });

    it('leaves the commit to the outer transaction when nested', () => {
        runInTransaction(db, () => {
            runDurably(db, () => db.prepare('INSERT INTO t VALUES (1)').run());
            // Nested, it is a savepoint of the outer transaction, whose commit decides.
            expect(synchronous(db)).to.equal(1);
        });
        expect(count(db)).to.equal(1);
    });
});
