import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Artifact } from '@signal-connectors/connector-sdk';
import { asUnprivilegedUser } from '../test/as-unprivileged-user.js';
import { dataDirModeFor, passThrough } from './create-sink.js';
import { JsonlSink } from './jsonl-sink.js';

const ARTIFACT: Artifact = {
    id: 'qualys:detection:1',
    type: 'ocsf.vulnerability_finding',
    time: '2025-01-01T00:00:00.000Z',
    source: { connector: 'signal-client.qualys', instance: 'qualys-prod' },
    data: { qid: 1 }
};
const DAY = Date.parse('2025-03-04T10:00:00.000Z');

function modeOf(path: string): number {
    return statSync(path).mode & 0o777;
}

/** A group this process does not belong to (the first of /etc/group's well-known ones that fits). */
function foreignGroup(): number {
    const mine = new Set(process.getgroups?.() ?? []);
    return [4, 5, 7, 20, 65534].find(gid => !mine.has(gid)) ?? 65534;
}

describe('JsonlSink file modes', () => {
    let root: string;

    beforeEach(() => {
        root = mkdtempSync(join(tmpdir(), 'jsonl-modes-'));
    });
    afterEach(() => {
        rmSync(root, { recursive: true, force: true });
    });

    it('writes artifacts 0600 in 0700 directories, also tightening what an earlier release left open', async () => {
        const artifacts = join(root, 'data', 'artifacts');
        mkdirSync(join(artifacts, 'qualys-prod'), { recursive: true, mode: 0o755 });
        chmodSync(artifacts, 0o755);
        chmodSync(join(artifacts, 'qualys-prod'), 0o755);
        writeFileSync(join(artifacts, 'qualys-prod', '2025-03-04.jsonl'), '', { mode: 0o644 });
        chmodSync(join(artifacts, 'qualys-prod', '2025-03-04.jsonl'), 0o644);
        const sink = new JsonlSink({ path: artifacts, now: () => DAY });
        await sink.write('qualys-prod', [ARTIFACT]);
        await sink.write('qualys-test', [ARTIFACT]);
        await sink.close();

        expect(modeOf(artifacts)).to.equal(0o700);
        for (const instance of ['qualys-prod', 'qualys-test']) {
            expect(modeOf(join(artifacts, instance)), instance).to.equal(0o700);
            expect(modeOf(join(artifacts, instance, '2025-03-04.jsonl')), instance).to.equal(0o600);
        }
    });

    it('lets a configured group read artifacts: 0640 files and 0750 directories owned by it, a way through dataDir', async () => {
        const gid = process.getgid?.() === 0 ? foreignGroup() : (process.getgroups?.()[0] ?? process.getgid!());
        const dataDir = join(root, 'data');
        mkdirSync(dataDir, { mode: 0o700 });
        chmodSync(dataDir, 0o700);
        const artifacts = join(dataDir, 'out', 'artifacts');
        const sink = new JsonlSink({
            path: artifacts,
            now: () => DAY,
            group: { name: 'readers', gid },
            passThrough: passThrough(dataDir, artifacts)
        });
        await sink.write('qualys-prod', [ARTIFACT]);
        await sink.close();

        const file = join(artifacts, 'qualys-prod', '2025-03-04.jsonl');
        expect(modeOf(file)).to.equal(0o640);
        expect(statSync(file).gid).to.equal(gid);
        for (const dir of [artifacts, join(artifacts, 'qualys-prod')]) {
            expect(modeOf(dir), dir).to.equal(0o750);
            expect(statSync(dir).gid, dir).to.equal(gid);
        }
        for (const dir of [dataDir, join(dataDir, 'out')]) {
            expect(modeOf(dir) & 0o010, `${dir} lets the group through`).to.equal(0o010);
            expect(statSync(dir).gid, dir).to.equal(gid);
        }
    });

    it('says what to do when the group is not one of the user running signal-client', async () => {
        const dir = join(root, 'shared');
        mkdirSync(dir, { mode: 0o777 });
        chmodSync(dir, 0o777);
        chmodSync(root, 0o755);
        const error = await asUnprivilegedUser(async () => {
            // A group the unprivileged user is not a member of.
            const gid = foreignGroup();
            const sink = new JsonlSink({ path: join(dir, 'artifacts'), group: { name: 'readers', gid } });
            try {
                await sink.write('qualys-prod', [ARTIFACT]);
                return undefined;
            } catch (error) {
                return error as Error;
            } finally {
                await sink.close();
            }
        });
        expect(error?.message).to.contain(
            '(sink.group): the user running signal-client must be a member of that group (or own the directory); fix ' +
                'that, or remove sink.group'
        );
    });

    it('opens the data directory to the group only when the artifacts live inside it', () => {
        const jsonl = (path: string) => ({ type: 'jsonl' as const, path, group: { name: 'readers', gid: 4 } });
        expect(dataDirModeFor(jsonl('artifacts'), '/var/lib/sc')).to.equal(0o710);
        expect(dataDirModeFor(jsonl('/srv/artifacts'), '/var/lib/sc')).to.equal(0o700);
        expect(dataDirModeFor({ type: 'jsonl', path: 'artifacts' }, '/var/lib/sc')).to.equal(0o700);
        expect(passThrough('/var/lib/sc', '/var/lib/sc/a/b')).to.deep.equal(['/var/lib/sc/a', '/var/lib/sc']);
        expect(passThrough('/var/lib/sc', '/srv/a')).to.deep.equal([]);
    });
});
