import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { LEGACY_CHECKPOINT_KEY } from '@signal-connectors/connector-sdk';
import { SqliteStateStore, STATE_DATABASE_FILE } from './sqlite-state-store.js';
import { migrateStateSchema, STATE_SCHEMA_VERSION } from './state-schema.js';

/** A state database as release 1 (before console instances) left it, with some history in it. */
function writeReleaseOneDatabase(path: string): void {
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL');
    migrateStateSchema(db, path, 1);
    db.exec(`
        INSERT INTO checkpoints (instance_id, checkpoint, run_id, updated_at)
            VALUES ('qualys-prod', '{"watermark":"2026-05-01T00:00:00Z","idMin":42}', 'run-1', '2026-05-01T00:10:00Z');
        INSERT INTO runs (run_id, instance_id, started_at, finished_at, result, artifacts, batches)
            VALUES ('run-1', 'qualys-prod', '2026-05-01T00:00:00Z', '2026-05-01T00:10:00Z', 'success', 3600, 4);
        INSERT INTO instance_status (instance_id, consecutive_failures, last_success_at, total_artifacts)
            VALUES ('qualys-prod', 0, '2026-05-01T00:10:00Z', 3600);
        INSERT INTO kv (namespace, key, value, updated_at)
            VALUES ('plugin:signal-client.qualys', 'kb:qid:38170', '{"title":"SSL Certificate"}', '2026-05-01T00:05:00Z');
    `);
    db.close();
}

describe('state schema migrations', () => {
    let dataDir: string;

    beforeEach(() => {
        dataDir = mkdtempSync(join(tmpdir(), 'signal-schema-'));
    });

    afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

    it('opens a database of the previous schema, adds the console instances table and keeps every record', async () => {
        const path = join(dataDir, STATE_DATABASE_FILE);
        writeReleaseOneDatabase(path);

        const store = new SqliteStateStore({ dataDir });
        try {
            // The one checkpoint of before streams waits under the legacy key, for the connector to resume from.
            expect(store.getCheckpoints('qualys-prod')).to.deep.equal({ [LEGACY_CHECKPOINT_KEY]: { watermark: '2026-05-01T00:00:00Z', idMin: 42 } });
            const status = store.getStatus('qualys-prod');
            expect(status).to.include({ totalArtifacts: 3600, lastSuccessAt: '2026-05-01T00:10:00Z', consecutiveFailures: 0 });
            expect(status.lastRun).to.include({ runId: 'run-1', result: 'success', artifacts: 3600, batches: 4 });
            expect(await store.keyValueStore('plugin:signal-client.qualys').get('kb:qid:38170')).to.deep.equal({ title: 'SSL Certificate' });

            expect(store.listInstances()).to.deep.equal([]);
            const made = {
                id: 'qualys-console',
                connector: 'signal-client.qualys',
                enabled: true,
                pollingInterval: '30m',
                settings: { host: 'qualysapi.qualys.com', username: 'acme_ab12' },
                sealedSecrets: 'v1:AAAA',
                createdAt: '2026-06-01T00:00:00.000Z',
                updatedAt: '2026-06-01T00:00:00.000Z'
            };
            store.saveInstance(made);
            expect(store.getInstance('qualys-console')).to.deep.equal(made);
        } finally {
            store.close();
        }

        const db = new DatabaseSync(path);
        const versions = db.prepare('SELECT version FROM schema_version ORDER BY version').all() as { version: number }[];
        db.close();
        expect(versions.map(row => row.version)).to.deep.equal(Array.from({ length: STATE_SCHEMA_VERSION }, (_, i) => i + 1));
    });

    it('runs each step once: reopening a migrated database changes nothing', () => {
        const first = new SqliteStateStore({ dataDir });
        first.commitCheckpoint('a', 'run-1', 'default', { n: 1 }, 5);
        first.close();
        const second = new SqliteStateStore({ dataDir });
        try {
            expect(second.getCheckpoints('a')).to.deep.equal({ default: { n: 1 } });
        } finally {
            second.close();
        }
        const db = new DatabaseSync(join(dataDir, STATE_DATABASE_FILE));
        const count = db.prepare('SELECT COUNT(*) AS n FROM schema_version').get() as { n: number };
        db.close();
        expect(count.n).to.equal(STATE_SCHEMA_VERSION);
    });

    it('deletes a console instance with everything recorded for it, and nothing of another instance', async () => {
        writeReleaseOneDatabase(join(dataDir, STATE_DATABASE_FILE));
        const store = new SqliteStateStore({ dataDir });
        try {
            const base = { connector: 'acme', enabled: true, pollingInterval: '1h', settings: {}, createdAt: 'x', updatedAt: 'x' };
            store.saveInstance({ ...base, id: 'gone' });
            store.startRun('gone', 'r1', '2026-06-01T00:00:00Z');
            store.commitCheckpoint('gone', 'r1', 'default', { n: 1 }, 2);
            store.finishRun('gone', 'r1', '2026-06-01T00:01:00Z', 'success');
            await store.keyValueStore('instance:gone').set('k', 1);

            expect(store.deleteInstance('gone')).to.equal(true);
            expect(store.getInstance('gone')).to.equal(undefined);
            expect(store.getCheckpoints('gone')).to.deep.equal({});
            expect(store.recentRuns('gone', 10)).to.deep.equal([]);
            expect(store.getStatus('gone').totalArtifacts).to.equal(0);
            expect(await store.keyValueStore('instance:gone').get('k')).to.equal(undefined);
            expect(store.getCheckpoints('qualys-prod'), 'another instance').to.have.property(LEGACY_CHECKPOINT_KEY);
            expect(store.deleteInstance('gone')).to.equal(false);
        } finally {
            store.close();
        }
    });
});
