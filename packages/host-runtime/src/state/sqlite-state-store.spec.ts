import { expect } from 'chai';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { LEGACY_CHECKPOINT_KEY, type Logger, type LogMeta } from '@signal-connectors/connector-sdk';
import { SqliteStateStore } from './sqlite-state-store.js';
import { StateStoreError } from './state-store-error.js';

/** A logger that keeps what it is given. */
function recordingLogger(lines: { level: string; message: string; meta?: LogMeta }[]): Logger {
    const log = (level: string) => (message: string, meta?: LogMeta) => lines.push({ level, message, meta });
    const logger: Logger = {
        error: log('error'),
        warn: log('warn'),
        info: log('info'),
        debug: log('debug'),
        child: () => logger
    };
    return logger;
}

/** The compiled store, for child processes. */
const STORE_MODULE = new URL('./sqlite-state-store.js', import.meta.url).href;

/** Opens the store in a child process (Node runs with this test's own binary) and prints what happened. */
function spawnOpen(dataDir: string): { stdout: string } {
    const script =
        `import { SqliteStateStore } from ${JSON.stringify(STORE_MODULE)};` +
        `try { new SqliteStateStore({ dataDir: ${JSON.stringify(dataDir)}, busyTimeoutMs: 50 }).close(); ` +
        `console.log('opened'); } catch (error) { console.log(error.message); }`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    return { stdout: result.stdout + result.stderr };
}

/** A child process that opens the store, commits a checkpoint and keeps the store open until it is killed. */
async function holdInChildProcess(dataDir: string): Promise<ChildProcess> {
    const script =
        `import { SqliteStateStore } from ${JSON.stringify(STORE_MODULE)};` +
        `const store = new SqliteStateStore({ dataDir: ${JSON.stringify(dataDir)} });` +
        `store.commitCheckpoint('held', 'run-1', 'default', { by: 'child' }, 0); console.log('holding'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit']
    });
    const [data] = (await once(child.stdout!, 'data')) as [Buffer];
    expect(data.toString()).to.contain('holding');
    return child;
}

/** The schema as release 1 wrote it (schema version 1), to test the migration from it. */
const VERSION_1_SCHEMA = `
    CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
    INSERT INTO schema_version VALUES (1, '2025-01-01T00:00:00.000Z');
    CREATE TABLE checkpoints (instance_id TEXT PRIMARY KEY, checkpoint TEXT NOT NULL, run_id TEXT, updated_at TEXT NOT NULL);
    CREATE TABLE runs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, instance_id TEXT NOT NULL, started_at TEXT NOT NULL,
        finished_at TEXT, result TEXT, artifacts INTEGER NOT NULL DEFAULT 0, batches INTEGER NOT NULL DEFAULT 0,
        error TEXT, UNIQUE (instance_id, run_id)
    );
    CREATE INDEX runs_by_instance ON runs (instance_id, seq);
    CREATE TABLE instance_status (
        instance_id TEXT PRIMARY KEY, next_run_at TEXT, failed_reason TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0, last_success_at TEXT, total_artifacts INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE kv (
        namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (namespace, key)
    ) WITHOUT ROWID;
`;

function openError(open: () => unknown): StateStoreError {
    try {
        open();
    } catch (error) {
        expect(error).to.be.instanceOf(StateStoreError);
        return error as StateStoreError;
    }
    expect.fail('expected the store to refuse to open');
}

describe('SqliteStateStore', () => {
    let dataDir: string;
    const stores: SqliteStateStore[] = [];
    const open = (options: Partial<ConstructorParameters<typeof SqliteStateStore>[0]> = {}): SqliteStateStore => {
        const store = new SqliteStateStore({ dataDir, ...options });
        stores.push(store);
        return store;
    };

    beforeEach(() => {
        dataDir = join(mkdtempSync(join(tmpdir(), 'state-store-')), 'data');
    });
    afterEach(() => {
        for (const store of stores.splice(0)) store.close();
        rmSync(join(dataDir, '..'), { recursive: true, force: true });
    });

    it("creates the data directory and keeps each stream's checkpoint across a reopen", () => {
        const store = open();
        expect(store.getCheckpoints('qualys-prod')).to.deep.equal({});
        store.startRun('qualys-prod', 'run-1', '2025-01-01T00:00:00.000Z');
        store.commitCheckpoint('qualys-prod', 'run-1', 'host_detections', { since: '2025-01-01', page: 3 }, 500);
        store.commitCheckpoint('qualys-prod', 'run-1', 'scans', { since: '2024-12-01' }, 2);
        store.close();

        const reopened = open();
        expect(reopened.getCheckpoints('qualys-prod')).to.deep.equal({
            host_detections: { since: '2025-01-01', page: 3 },
            scans: { since: '2024-12-01' }
        });
        expect(reopened.getStatus('qualys-prod').totalArtifacts).to.equal(502);
        reopened.resetCheckpoint('qualys-prod', 'scans');
        expect(reopened.getCheckpoints('qualys-prod')).to.have.keys(['host_detections']);
        reopened.resetCheckpoint('qualys-prod');
        expect(reopened.getCheckpoints('qualys-prod')).to.deep.equal({});
        expect(existsSync(join(dataDir, 'state.db'))).to.equal(true);
        reopened.commitCheckpoint('no-checkpoint', 'run-1', 'default', undefined, 0);
        expect(reopened.getCheckpoints('no-checkpoint')).to.deep.equal({});
    });

    it("keeps each stream's status, error, checkpoint age and artifacts, per run and in all", () => {
        const store = open();
        store.startRun('a', 'r1', '2025-01-01T00:00:00.000Z');
        store.commitCheckpoint('a', 'r1', 'hosts', { page: 1 }, 10);
        store.commitCheckpoint('a', 'r1', 'hosts', { page: 2 }, 5);
        store.recordStreamStatus('a', 'r1', 'hosts', '2025-01-01T00:02:00.000Z', 'complete');
        const refused = { kind: 'permission', message: 'may not list scans', hint: 'grant the scan role' };
        store.recordStreamStatus('a', 'r1', 'scans', '2025-01-01T00:03:00.000Z', 'failed', refused);
        const outcomes = {
            hosts: { status: 'complete' as const, artifacts: 15, batches: 2 },
            scans: { status: 'failed' as const, artifacts: 0, batches: 0, error: refused }
        };
        store.finishRun('a', 'r1', '2025-01-01T00:04:00.000Z', 'failed', refused, outcomes);

        const [hosts, scans] = store.getStatus('a').streams;
        expect(hosts).to.deep.include({
            stream: 'hosts',
            status: 'complete',
            statusAt: '2025-01-01T00:02:00.000Z',
            runId: 'r1',
            runArtifacts: 15,
            totalArtifacts: 15
        });
        expect(Date.parse(hosts.checkpointAt ?? '')).to.be.greaterThan(0);
        expect(hosts.error).to.equal(undefined);
        expect(scans).to.deep.equal({
            stream: 'scans',
            status: 'failed',
            statusAt: '2025-01-01T00:03:00.000Z',
            error: refused,
            runId: 'r1',
            runArtifacts: 0,
            totalArtifacts: 0
        });
        expect(store.recentRuns('a', 1)[0].streams).to.deep.equal(outcomes);

        // The next run: a commit restarts the run's count, a complete status clears the error.
        store.startRun('a', 'r2', '2025-01-01T01:00:00.000Z');
        store.commitCheckpoint('a', 'r2', 'hosts', { page: 3 }, 4);
        store.recordStreamStatus('a', 'r2', 'scans', '2025-01-01T01:01:00.000Z', 'complete');
        const [hostsAgain, scansAgain] = store.getStatus('a').streams;
        expect(hostsAgain).to.include({ runId: 'r2', runArtifacts: 4, totalArtifacts: 19, status: 'complete' });
        expect(scansAgain).to.include({ status: 'complete', runId: 'r2' });
        expect(scansAgain.error).to.equal(undefined);
    });

    it('migrates a version 1 database: each checkpoint moves to the legacy stream, runs and status kept', () => {
        mkdirSync(dataDir, { recursive: true });
        const legacy = { version: 1, detectionWatermark: '2025-01-01T00:00:00Z', scansSince: '2024-12-20T00:00:00Z' };
        const db = new DatabaseSync(join(dataDir, 'state.db'));
        db.exec(VERSION_1_SCHEMA);
        db.prepare(`INSERT INTO checkpoints VALUES (?, ?, 'r7', '2025-01-01T00:05:00.000Z')`).run(
            'qualys-prod',
            JSON.stringify(legacy)
        );
        db.exec(`INSERT INTO runs (run_id, instance_id, started_at, finished_at, result, artifacts, batches)
                 VALUES ('r7', 'qualys-prod', '2025-01-01T00:00:00.000Z', '2025-01-01T00:05:00.000Z', 'success', 42, 3);
                 INSERT INTO instance_status (instance_id, last_success_at, total_artifacts)
                 VALUES ('qualys-prod', '2025-01-01T00:05:00.000Z', 42)`);
        db.close();

        const store = open();
        expect(store.getCheckpoints('qualys-prod')).to.deep.equal({ [LEGACY_CHECKPOINT_KEY]: legacy });
        const status = store.getStatus('qualys-prod');
        expect(status).to.deep.include({ totalArtifacts: 42, lastSuccessAt: '2025-01-01T00:05:00.000Z', streams: [] });
        expect(status.lastRun).to.deep.include({ runId: 'r7', artifacts: 42, result: 'success' });
        expect(status.lastRun?.streams).to.equal(undefined);

        // Once the connector committed per stream, the legacy checkpoint can be forgotten.
        store.startRun('qualys-prod', 'r8', '2025-01-02T00:00:00.000Z');
        store.commitCheckpoint('qualys-prod', 'r8', 'host_detections', { version: 2 }, 1);
        store.resetCheckpoint('qualys-prod', LEGACY_CHECKPOINT_KEY);
        expect(store.getCheckpoints('qualys-prod')).to.deep.equal({ host_detections: { version: 2 } });
        store.close();
        const side = new DatabaseSync(store.path, { readOnly: true });
        const rows = side.prepare('SELECT stream FROM stream_state ORDER BY stream').all();
        const versions = side.prepare('SELECT version FROM schema_version ORDER BY version').all();
        side.close();
        expect(rows.map(row => row.stream)).to.deep.equal(['host_detections']);
        expect(versions.map(row => row.version)).to.deep.equal([1, 2, 3]);
    });

    it('commits a checkpoint atomically: a failure inside the transaction keeps the old checkpoint and counters', () => {
        let store = open();
        store.startRun('a', 'run-1', '2025-01-01T00:00:00.000Z');
        store.commitCheckpoint('a', 'run-1', 'default', { page: 1 }, 10);
        store.close();
        // The last statement of the commit fails: the checkpoint and run counters written before it must roll back.
        const side = new DatabaseSync(join(dataDir, 'state.db'));
        side.exec(
            `CREATE TRIGGER fail_commit BEFORE UPDATE ON instance_status BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`
        );
        side.close();
        store = open();

        expect(() => store.commitCheckpoint('a', 'run-1', 'default', { page: 2 }, 10)).to.throw(/disk trouble/);
        expect(store.getCheckpoints('a')).to.deep.equal({ default: { page: 1 } });
        expect(store.recentRuns('a', 1)[0]).to.include({ artifacts: 10, batches: 1 });
        expect(store.getStatus('a').totalArtifacts).to.equal(10);
        expect(store.getStatus('a').streams[0]).to.include({ runArtifacts: 10, totalArtifacts: 10 });
        expect(() => store.commitCheckpoint('a', 'run-1', 'default', { big: 1n }, 1)).to.throw(TypeError);
        expect(store.getCheckpoints('a')).to.deep.equal({ default: { page: 1 } });
    });

    it('tracks runs and status: failures, fatal reasons, success, next run', () => {
        const store = open();
        expect(store.getStatus('a')).to.deep.equal({
            instanceId: 'a',
            consecutiveFailures: 0,
            totalArtifacts: 0,
            streams: []
        });

        store.startRun('a', 'r1', '2025-01-01T00:00:00.000Z');
        store.finishRun('a', 'r1', '2025-01-01T00:01:00.000Z', 'failed', { kind: 'transient', message: 'timeout' });
        let status = store.getStatus('a');
        expect(status.consecutiveFailures).to.equal(1);
        expect(status.failedReason).to.equal(undefined);
        expect(status.lastRun).to.deep.include({
            runId: 'r1',
            result: 'failed',
            finishedAt: '2025-01-01T00:01:00.000Z'
        });
        expect(status.lastRun?.error).to.deep.equal({ kind: 'transient', message: 'timeout' });

        const auth = { kind: 'auth', message: 'bad credentials', hint: 'check settings.password' };
        store.startRun('a', 'r2', '2025-01-01T01:00:00.000Z');
        store.finishRun('a', 'r2', '2025-01-01T01:01:00.000Z', 'failed', auth);
        status = store.getStatus('a');
        expect(status.consecutiveFailures).to.equal(2);
        expect(status.failedReason).to.deep.equal(auth);

        store.startRun('a', 'r3', '2025-01-01T02:00:00.000Z');
        store.finishRun('a', 'r3', '2025-01-01T02:01:00.000Z', 'cancelled');
        expect(store.getStatus('a').consecutiveFailures).to.equal(2);

        store.startRun('a', 'r4', '2025-01-01T03:00:00.000Z');
        store.commitCheckpoint('a', 'r4', 'default', { n: 1 }, 7);
        store.commitCheckpoint('a', 'r4', 'default', { n: 2 }, 3);
        store.finishRun('a', 'r4', '2025-01-01T03:05:00.000Z', 'success');
        store.setNextRun('a', '2025-01-01T03:35:00.000Z');
        status = store.getStatus('a');
        expect(status).to.deep.include({
            consecutiveFailures: 0,
            lastSuccessAt: '2025-01-01T03:05:00.000Z',
            nextRunAt: '2025-01-01T03:35:00.000Z',
            totalArtifacts: 10
        });
        expect(status.failedReason).to.equal(undefined);
        expect(status.lastRun).to.deep.include({ runId: 'r4', artifacts: 10, batches: 2, result: 'success' });
        expect(store.recentRuns('a', 10).map(run => run.runId)).to.deep.equal(['r4', 'r3', 'r2', 'r1']);
        expect(store.getStatus('b').lastRun).to.equal(undefined);
        store.setNextRun('a', undefined);
        expect(store.getStatus('a').nextRunAt).to.equal(undefined);
    });

    it('keeps a failed mark the scheduler sets across reopening, until the next success', () => {
        let store = open();
        const reason = { kind: 'protocol', message: 'bad or truncated responses in 6 polls in a row' };
        store.startRun('a', 'r1', '2025-01-01T00:00:00.000Z');
        store.finishRun('a', 'r1', '2025-01-01T00:01:00.000Z', 'failed', { kind: 'protocol', message: 'truncated' });
        store.markFailed('a', reason);
        store.markFailed('fresh', reason);
        store.close();

        store = open();
        expect(store.getStatus('a')).to.deep.include({ consecutiveFailures: 1, failedReason: reason });
        expect(store.getStatus('fresh').failedReason).to.deep.equal(reason);
        store.startRun('a', 'r2', '2025-01-01T01:00:00.000Z');
        store.finishRun('a', 'r2', '2025-01-01T01:01:00.000Z', 'success');
        expect(store.getStatus('a').failedReason).to.equal(undefined);
    });

    it('keeps the run history bounded per instance', () => {
        const store = open({ maxRunsPerInstance: 3 });
        for (let i = 1; i <= 5; i++) store.startRun('a', `r${i}`, `2025-01-0${i}T00:00:00.000Z`);
        store.startRun('b', 'b1', '2025-01-01T00:00:00.000Z');
        expect(store.recentRuns('a', 10).map(run => run.runId)).to.deep.equal(['r5', 'r4', 'r3']);
        expect(store.recentRuns('b', 10)).to.have.length(1);
    });

    it('refuses a data directory another live process holds, and opens it once that process was killed', async () => {
        const holder = await holdInChildProcess(dataDir);
        try {
            const error = openError(() => new SqliteStateStore({ dataDir, busyTimeoutMs: 100 }));
            expect(error.reason).to.equal('locked');
            expect(error.message).to.equal(
                `state database ${join(dataDir, 'state.db')} is locked by another process: stop the other ` +
                    'signal-client or use a different dataDir'
            );
        } finally {
            holder.kill('SIGKILL');
            await once(holder, 'exit');
        }
        // The kernel released the dead process's lock: no stale lock, nothing to clean up.
        const store = open();
        expect(store.getCheckpoints('held')).to.deep.equal({ default: { by: 'child' } });
    });

    it('refuses to open the same data directory twice in one process', () => {
        open();
        const error = openError(() => new SqliteStateStore({ dataDir }));
        expect(error.reason).to.equal('locked');
        expect(error.message).to.contain('is locked by this process (it is already open)');
        // The refused attempt did not disturb the lock the first store holds.
        expect(spawnOpen(dataDir).stdout).to.contain('locked by another process');
    });

    it('releases the lock on close, so the next runtime can open the directory', () => {
        open().close();
        expect(spawnOpen(dataDir).stdout).to.contain('opened');
        open().close();
    });

    it('ignores the pid lock file of an earlier release, even one naming a live process or itself, and removes it', () => {
        for (const pid of [process.ppid, process.pid]) {
            open().close();
            writeFileSync(join(dataDir, 'state.db.lock'), `${pid}\n`);
            const lines: { level: string; message: string; meta?: LogMeta }[] = [];
            const store = open({ logger: recordingLogger(lines) });
            expect(lines.map(line => line.message)).to.include(
                'Removed the lock file of an earlier release: the state database now locks itself'
            );
            expect(existsSync(join(dataDir, 'state.db.lock'))).to.equal(false);
            store.close();
        }
    });

    it('keeps the data directory private (0700) and the database 0600, tightening what an earlier release left', () => {
        mkdirSync(dataDir, { mode: 0o755 });
        chmodSync(dataDir, 0o755);
        writeFileSync(join(dataDir, 'state.db'), '', { mode: 0o644 });
        chmodSync(join(dataDir, 'state.db'), 0o644);
        const store = open();
        store.commitCheckpoint('a', 'run-1', 'default', { page: 1 }, 1);
        expect(statSync(dataDir).mode & 0o777).to.equal(0o700);
        expect(statSync(join(dataDir, 'state.db')).mode & 0o777).to.equal(0o600);
        expect(statSync(join(dataDir, 'state.db-wal')).mode & 0o777).to.equal(0o600);
        store.close();
        // A group allowed to read artifacts under it may pass through, and no more.
        chmodSync(dataDir, 0o777);
        open({ dataDirMode: 0o710 }).close();
        expect(statSync(dataDir).mode & 0o777).to.equal(0o710);
    });

    it('refuses a file that is not a database, leaving it byte for byte as it was', () => {
        open().close();
        const garbage = Buffer.from('this is not a database, just some bytes someone wrote here '.repeat(20));
        writeFileSync(join(dataDir, 'state.db'), garbage);
        rmSync(join(dataDir, 'state.db-wal'), { force: true });
        rmSync(join(dataDir, 'state.db-shm'), { force: true });
        const error = openError(() => new SqliteStateStore({ dataDir }));
        expect(error.reason).to.equal('corrupt');
        expect(error.message).to.match(/is corrupt .*move the file aside .*restart to re-sync from scratch/);
        expect(readFileSync(join(dataDir, 'state.db')).equals(garbage)).to.equal(true);
        // The attempt's connection is closed: fixing the file is enough, nothing is left locked.
        expect(spawnOpen(dataDir).stdout).to.not.contain('locked');
    });

    it('refuses a database with damaged pages instead of recreating it', () => {
        const store = open();
        const kv = store.keyValueStore('plugin:x');
        for (let i = 0; i < 200; i++) void kv.set(`key-${i}`, 'x'.repeat(500));
        store.close();
        const path = join(dataDir, 'state.db');
        const bytes = readFileSync(path);
        // Keep the header and the first page, overwrite the rest of the B-tree pages with noise.
        for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
        writeFileSync(path, bytes);
        const error = openError(() => new SqliteStateStore({ dataDir }));
        expect(error.reason).to.equal('corrupt');
        expect(readFileSync(path).equals(bytes)).to.equal(true);
    });

    it('refuses a database written by a newer release', () => {
        open().close();
        const side = new DatabaseSync(join(dataDir, 'state.db'));
        side.exec(`INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01')`);
        side.close();
        const error = openError(() => new SqliteStateStore({ dataDir }));
        expect(error.reason).to.equal('newer_schema');
        expect(error.message).to.contain('schema version 99').and.contain('upgrade signal-client');
    });
});
