import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type Artifact, withArtifactJson } from '@signal-connectors/connector-sdk';
import { JsonlSink, type JsonlSinkOptions } from './jsonl-sink.js';
import { asUnprivilegedUser } from '../test/as-unprivileged-user.js';
import { SinkError } from './sink-error.js';

function artifact(id: number, padding = 0): Artifact {
    return {
        id: `qualys:detection:${id}`,
        type: 'ocsf.vulnerability_finding',
        time: '2025-01-01T00:00:00.000Z',
        source: { connector: 'signal-client.qualys', instance: 'qualys-prod' },
        data: { qid: id, text: 'line\nbreak "quoted" é', padding: 'x'.repeat(padding) }
    };
}

function readLines(path: string): unknown[] {
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).to.equal(true);
    return text
        .slice(0, -1)
        .split('\n')
        .map(line => JSON.parse(line));
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    expect.fail('expected the write to be rejected');
}

/** Records the order of writes and syncs, and can make a write fail half way. */
class ObservedJsonlSink extends JsonlSink {
    readonly events: string[] = [];
    failNextWriteWith: NodeJS.ErrnoException | undefined;

    constructor(options: JsonlSinkOptions) {
        super(options);
    }

    protected override async openFile(path: string, flags: string): Promise<FileHandle> {
        const handle = await super.openFile(path, flags);
        return new Proxy(handle, {
            get: (target, property) => {
                if (property === 'write') {
                    return async (buffer: Buffer, offset: number, length: number) => {
                        const failure = this.failNextWriteWith;
                        if (failure === undefined) {
                            this.events.push('write');
                            return target.write(buffer, offset, length);
                        }
                        this.failNextWriteWith = undefined;
                        // Half of the batch reaches the file before the disk fills up.
                        await target.write(buffer, offset, Math.floor(length / 2));
                        throw failure;
                    };
                }
                const value = Reflect.get(target, property, target) as unknown;
                return typeof value === 'function' ? value.bind(target) : value;
            }
        });
    }

    protected override async syncFile(handle: FileHandle): Promise<void> {
        await delay(5);
        await super.syncFile(handle);
        this.events.push('sync');
    }

    protected override async syncDirectory(path: string): Promise<void> {
        await super.syncDirectory(path);
        this.events.push(`sync-dir:${path}`);
    }
}

describe('JsonlSink', () => {
    let root: string;
    let now: number;
    const sinks: JsonlSink[] = [];
    const create = (): ObservedJsonlSink => {
        const sink = new ObservedJsonlSink({ path: join(root, 'artifacts'), now: () => now });
        sinks.push(sink);
        return sink;
    };

    beforeEach(() => {
        root = mkdtempSync(join(tmpdir(), 'jsonl-sink-'));
        now = Date.parse('2025-03-04T10:00:00.000Z');
    });
    afterEach(async () => {
        for (const sink of sinks.splice(0)) await sink.close();
        chmodSync(root, 0o755);
        rmSync(root, { recursive: true, force: true });
    });

    it('appends one artifact per line to <path>/<instance>/<UTC day>.jsonl, across reopen', async () => {
        const first = create();
        await first.write('qualys-prod', [artifact(1), artifact(2)]);
        await first.write('qualys-prod', [artifact(3)]);
        await first.close();
        await create().write('qualys-prod', [artifact(4)]);
        await create().write('other', [artifact(5)]);
        const file = join(root, 'artifacts', 'qualys-prod', '2025-03-04.jsonl');
        expect(readLines(file)).to.deep.equal([artifact(1), artifact(2), artifact(3), artifact(4)]);
        expect(readdirSync(join(root, 'artifacts')).sort()).to.deep.equal(['other', 'qualys-prod']);
    });

    it('rotates to a new file at the UTC day boundary', async () => {
        const sink = create();
        now = Date.parse('2025-03-04T23:59:59.999Z');
        await sink.write('qualys-prod', [artifact(1)]);
        now = Date.parse('2025-03-05T00:00:00.000Z');
        await sink.write('qualys-prod', [artifact(2)]);
        const dir = join(root, 'artifacts', 'qualys-prod');
        expect(readdirSync(dir).sort()).to.deep.equal(['2025-03-04.jsonl', '2025-03-05.jsonl']);
        expect(readLines(join(dir, '2025-03-04.jsonl'))).to.deep.equal([artifact(1)]);
        expect(readLines(join(dir, '2025-03-05.jsonl'))).to.deep.equal([artifact(2)]);
    });

    it('resolves only after the data is fsynced, and syncs the directory of a new file', async () => {
        const sink = create();
        await sink.write('qualys-prod', [artifact(1)]);
        const dir = join(root, 'artifacts', 'qualys-prod');
        expect(sink.events).to.include(`sync-dir:${dir}`);
        expect(sink.events).to.include(`sync-dir:${join(root, 'artifacts')}`);
        expect(sink.events.slice(-2)).to.deep.equal(['write', 'sync']);
        sink.events.length = 0;
        await sink.write('qualys-prod', [artifact(2)]);
        expect(sink.events).to.deep.equal(['write', 'sync']);
    });

    it('rolls a failed write back to the last complete batch and rejects with what to do', async () => {
        const sink = create();
        await sink.write('qualys-prod', [artifact(1)]);
        const file = join(root, 'artifacts', 'qualys-prod', '2025-03-04.jsonl');
        const before = readFileSync(file);
        sink.failNextWriteWith = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        const error = await rejection(sink.write('qualys-prod', [artifact(2), artifact(3, 5000)]));
        expect(error).to.be.instanceOf(SinkError);
        expect(error.message).to.contain(file).and.contain('no space left').and.contain('free space');
        expect(readFileSync(file).equals(before)).to.equal(true);
        await sink.write('qualys-prod', [artifact(2)]);
        expect(readLines(file)).to.deep.equal([artifact(1), artifact(2)]);
    });

    it('rejects when a file is in the way of the directory, writing nothing', async () => {
        mkdirSync(join(root, 'artifacts'));
        writeFileSync(join(root, 'artifacts', 'qualys-prod'), 'not a directory');
        const error = await rejection(create().write('qualys-prod', [artifact(1)]));
        expect(error).to.be.instanceOf(SinkError);
        expect(error.message)
            .to.contain(join(root, 'artifacts', 'qualys-prod'))
            .and.contain('move it aside');
        expect(readFileSync(join(root, 'artifacts', 'qualys-prod'), 'utf8')).to.equal('not a directory');
    });

    it('rejects when the directory is not writable', async () => {
        chmodSync(root, 0o555);
        const error = await asUnprivilegedUser(async euid => {
            expect(euid, 'an unprivileged user').to.not.equal(0);
            return rejection(create().write('qualys-prod', [artifact(1)]));
        });
        expect(error).to.be.instanceOf(SinkError);
        expect(error.message).to.contain('write access');
        expect(process.geteuid?.()).to.equal(process.getuid?.());
    });

    it('rejects a real disk-full write (ENOSPC from /dev/full) with what to do', async () => {
        const dir = join(root, 'artifacts', 'qualys-prod');
        mkdirSync(dir, { recursive: true });
        symlinkSync('/dev/full', join(dir, '2025-03-04.jsonl'));
        const error = await rejection(create().write('qualys-prod', [artifact(1)]));
        expect(error).to.be.instanceOf(SinkError);
        expect(error.message).to.contain('free space');
        expect((error as SinkError).code).to.equal('ENOSPC');
    });

    it('starts a new line after a partial line left by a crash', async () => {
        const dir = join(root, 'artifacts', 'qualys-prod');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, '2025-03-04.jsonl'), `${JSON.stringify(artifact(1))}\n{"id":"half`);
        await create().write('qualys-prod', [artifact(2)]);
        const lines = readFileSync(join(dir, '2025-03-04.jsonl'), 'utf8').split('\n');
        expect(lines[1]).to.equal('{"id":"half');
        expect(JSON.parse(lines[2])).to.deep.equal(artifact(2));
    });

    it('writes a batch of 5,000 artifacts of about 1.5 KB in slices of about 2 MiB, in order, with one fsync', async () => {
        const sink = create();
        const batch = Array.from({ length: 5000 }, (_, i) => artifact(i, 1400));
        await sink.write('qualys-prod', batch);
        const bytes = batch.reduce((total, item) => total + Buffer.byteLength(JSON.stringify(item)) + 1, 0);
        expect(sink.events.filter(event => event === 'write')).to.have.length(Math.ceil(bytes / (2 * 1024 * 1024)));
        expect(sink.events.filter(event => event === 'sync')).to.have.length(1);
        expect(readLines(join(root, 'artifacts', 'qualys-prod', '2025-03-04.jsonl'))).to.deep.equal(batch);
    });

    it('writes multi-byte text and a line longer than a slice exactly, between lines that fill slices', async () => {
        const sink = create();
        const wide = { ...artifact(2), data: { text: 'é€😀'.repeat(400_000) } };
        const batch = [
            ...Array.from({ length: 700 }, (_, i) => artifact(i + 10, 3000)),
            wide,
            ...Array.from({ length: 700 }, (_, i) => artifact(i + 1000, 3000))
        ];
        await sink.write('qualys-prod', batch);
        await sink.write('qualys-prod', [artifact(3)]);
        const file = join(root, 'artifacts', 'qualys-prod', '2025-03-04.jsonl');
        expect(readLines(file)).to.deep.equal([...batch, artifact(3)]);
        const bytes = [...batch, artifact(3)].reduce((n, item) => n + Buffer.byteLength(JSON.stringify(item)) + 1, 0);
        expect(readFileSync(file).length).to.equal(bytes);
    });

    it('writes the JSON text an artifact carries as it is, and serialises the others', async () => {
        const sink = create();
        // The text must be the artifact's JSON; a different one here shows which of the two the sink wrote.
        const rendered = withArtifactJson(artifact(1), JSON.stringify({ ...artifact(1), id: 'rendered' }));
        await sink.write('qualys-prod', [rendered, artifact(2), { ...rendered, id: 'copy' }]);
        const lines = readLines(join(root, 'artifacts', 'qualys-prod', '2025-03-04.jsonl')) as Artifact[];
        expect(lines.map(line => line.id)).to.deep.equal(['rendered', 'qualys:detection:2', 'copy']);
    });

    it('cuts off every slice already written when a later slice fails', async () => {
        const sink = create();
        await sink.write('qualys-prod', [artifact(1)]);
        const file = join(root, 'artifacts', 'qualys-prod', '2025-03-04.jsonl');
        const before = readFileSync(file);
        const batch: unknown[] = Array.from({ length: 600 }, (_, i) => artifact(i + 2, 10_000));
        batch[500] = { id: 'bad', value: 10n }; // a BigInt cannot be serialised: the third slice fails
        const error = await rejection(sink.write('qualys-prod', batch as Artifact[]));
        expect(error).to.be.instanceOf(TypeError);
        expect(sink.events.filter(event => event === 'write')).to.have.length.greaterThan(2);
        expect(readFileSync(file).equals(before)).to.equal(true);
    });

    it('keeps concurrent batches of one instance whole, and refuses unsafe instance ids', async () => {
        const sink = create();
        await Promise.all(
            [1, 2, 3, 4].map(n => sink.write('qualys-prod', [artifact(n * 10), artifact(n * 10 + 1, 3000)]))
        );
        const ids = readLines(join(root, 'artifacts', 'qualys-prod', '2025-03-04.jsonl')).map(a => (a as Artifact).id);
        expect(ids).to.deep.equal([10, 11, 20, 21, 30, 31, 40, 41].map(n => `qualys:detection:${n}`));
        expect((await rejection(sink.write('../escape', [artifact(1)]))).message).to.contain('directory name');
    });
});
