import { chmod, chown, mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Artifact, Logger } from '@signal-connectors/connector-sdk';
import { FileModes } from '../files/file-modes.js';
import type { ArtifactSink } from './artifact-sink.js';
import { errnoCode, fileErrorAdvice, jsonLine, SinkError } from './sink-error.js';

/**
 * Bytes of JSON lines gathered before each `write` call: large enough that a batch takes a handful of system calls,
 * small enough to stay a small part of the memory a poll uses. Lines are encoded straight into a buffer of this
 * size, reused from batch to batch: no batch-sized text is ever built, and no new native memory is taken per slice.
 */
export const SLICE_BYTES = 2 * 1024 * 1024;
/** Slice buffers kept for reuse when no batch is being written (more exist only while instances write at once). */
const SPARE_SLICE_BUFFERS = 2;

/** Options of {@link JsonlSink}. */
export interface JsonlSinkOptions {
    /** Root directory of the files; created when missing. */
    path: string;
    /**
     * A group that may read the artifacts: files 0640 and directories 0750, owned by that group (the user running
     * signal-client must belong to it). Without one, files are 0600 and directories 0700.
     */
    group?: { name: string; gid: number };
    /** Directories above `path` the group must be able to pass through (e.g. the data directory); given g+x. */
    passThrough?: readonly string[];
    logger?: Logger;
    /** Milliseconds since the epoch; decides the day file a batch goes to (tests pass a fake). */
    now?: () => number;
}

/** The file currently appended to for one instance. */
interface OpenFile {
    path: string;
    /** `YYYY-MM-DD`, UTC. */
    day: string;
    handle: FileHandle;
    size: number;
    /** False when the file ends in a partial line (left by a crash), so the next batch starts on a new line. */
    endsWithNewline: boolean;
}

/** Instance ids become directory names: nothing that could climb out of the root or hide a file. */
const SAFE_INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Appends artifacts as JSON lines to one file per instance per UTC day:
 * `<path>/<instanceId>/<YYYY-MM-DD>.jsonl`, one artifact per line. The day is the UTC date at write time,
 * so a batch is never split across two files.
 *
 * `write` resolves once the batch is written and `fsync`ed (and the directory too, when the file is new), so
 * an acknowledged batch survives a crash or a power loss. Files are 0600 and directories 0700 (0640 and 0750 for
 * a configured group), also those an earlier release created with looser modes. A failed write is rolled back to the previous file
 * size, so the file never ends in half a batch and the batch can be written again in full. Batches of one
 * instance are written one after the other; different instances write in parallel.
 */
export class JsonlSink implements ArtifactSink {
    /** Absolute root directory. */
    readonly root: string;
    private readonly files = new Map<string, OpenFile>();
    private readonly queues = new Map<string, Promise<void>>();
    private readonly now: () => number;
    private readonly fileMode: number;
    private readonly directoryMode: number;
    /** Directories whose mode and group were set by this process. */
    private readonly prepared = new Set<string>();
    private readonly spareBuffers: Buffer[] = [];
    private closed = false;

    constructor(private readonly options: JsonlSinkOptions) {
        this.root = resolve(options.path);
        this.now = options.now ?? Date.now;
        this.fileMode = options.group === undefined ? FileModes.privateFile : FileModes.groupFile;
        this.directoryMode = options.group === undefined ? FileModes.privateDirectory : FileModes.groupDirectory;
    }

    write(instanceId: string, artifacts: readonly Artifact[]): Promise<void> {
        if (this.closed) return Promise.reject(new SinkError('jsonl', 'the JSONL sink is closed'));
        if (!SAFE_INSTANCE_ID.test(instanceId)) {
            return Promise.reject(
                new SinkError('jsonl', `instance id '${instanceId}' cannot be used as a directory name`)
            );
        }
        if (artifacts.length === 0) return Promise.resolve();
        // One batch at a time per file: appends must not interleave, and a rollback must only undo its own batch.
        const previous = this.queues.get(instanceId) ?? Promise.resolve();
        const next = previous.then(
            () => this.append(instanceId, artifacts),
            () => this.append(instanceId, artifacts)
        );
        this.queues.set(instanceId, next);
        return next;
    }

    /** Waits for the writes under way, then closes every file. Later writes are rejected. */
    async close(): Promise<void> {
        this.closed = true;
        await Promise.allSettled(this.queues.values());
        await Promise.allSettled([...this.files.values()].map(file => file.handle.close()));
        this.files.clear();
    }

    /** Opens a file; a test subclass may wrap the handle to simulate failures. */
    protected openFile(path: string, flags: string): Promise<FileHandle> {
        return open(path, flags, this.fileMode);
    }

    /** Flushes a file's data to the device (`fsync`); separate so tests can observe it. */
    protected async syncFile(handle: FileHandle): Promise<void> {
        await handle.sync();
    }

    /** Makes a new directory entry durable: without it a crash could lose a file whose data was synced. */
    protected async syncDirectory(path: string): Promise<void> {
        const handle = await open(path, 'r');
        try {
            await handle.sync();
        } finally {
            await handle.close();
        }
    }

    private async append(instanceId: string, artifacts: readonly Artifact[]): Promise<void> {
        const file = await this.fileFor(instanceId, utcDay(this.now()));
        const sizeBefore = file.size;
        const buffer = this.spareBuffers.pop() ?? Buffer.allocUnsafeSlow(SLICE_BYTES);
        let size = sizeBefore;
        try {
            // Each line (the artifact's pre-rendered text when it has one) is encoded into the slice buffer, which is
            // written whenever the next line might not fit. A failure part-way is cut off again below.
            let used = file.endsWithNewline ? 0 : buffer.write('\n', 0);
            for (let i = 0; i < artifacts.length; i++) {
                const line = jsonLine(artifacts, i);
                // A UTF-16 code unit takes at most three bytes of UTF-8, plus the newline.
                const room = line.length * 3 + 1;
                if (room > SLICE_BYTES - used) {
                    size += await writeFully(file.handle, buffer, used);
                    used = 0;
                    if (room > SLICE_BYTES) {
                        size += await writeFully(file.handle, Buffer.from(`${line}\n`));
                        continue;
                    }
                }
                used += buffer.write(line, used);
                buffer[used++] = NEWLINE;
            }
            size += await writeFully(file.handle, buffer, used);
            await this.syncFile(file.handle);
        } catch (error) {
            await this.rollBack(instanceId, file, sizeBefore);
            // An artifact that is not JSON is the plugin's bug, not the disk's: report it as it is.
            if (error instanceof TypeError) throw error;
            const code = errnoCode(error);
            throw new SinkError(
                'jsonl',
                `cannot write ${artifacts.length} artifacts to ${file.path} (${(error as Error).message}): ` +
                    `${fileErrorAdvice(code, dirname(file.path))}. The batch will be written again.`,
                { code, cause: error }
            );
        } finally {
            if (this.spareBuffers.length < SPARE_SLICE_BUFFERS) this.spareBuffers.push(buffer);
        }
        file.size = size;
        file.endsWithNewline = true;
    }

    /** Cuts a failed batch off the file and drops the handle, so the next write starts from a clean state. */
    private async rollBack(instanceId: string, file: OpenFile, size: number): Promise<void> {
        if (this.files.get(instanceId) === file) this.files.delete(instanceId);
        try {
            await file.handle.truncate(size);
            await this.syncFile(file.handle);
        } catch (error) {
            this.options.logger?.error('Could not cut a failed batch off a JSONL file; it may end in a partial line', {
                path: file.path,
                size,
                error
            });
        }
        await file.handle.close().catch(() => undefined);
    }

    private async fileFor(instanceId: string, day: string): Promise<OpenFile> {
        const current = this.files.get(instanceId);
        if (current?.day === day) return current;
        if (current !== undefined) {
            this.files.delete(instanceId);
            await current.handle.close().catch(() => undefined);
        }
        const directory = join(this.root, instanceId);
        const path = join(directory, `${day}.jsonl`);
        try {
            const created = await mkdir(directory, { recursive: true, mode: this.directoryMode });
            // Each newly created directory must be recorded in its parent, up to the first one that existed.
            if (created !== undefined) {
                for (let dir = directory; dir !== dirname(created); dir = dirname(dir))
                    await this.syncDirectory(dirname(dir));
            }
            await this.prepareDirectories(directory);
            const file = await this.openAppend(path, day);
            this.files.set(instanceId, file);
            return file;
        } catch (error) {
            if (error instanceof SinkError) throw error;
            const code = errnoCode(error);
            throw new SinkError(
                'jsonl',
                `cannot open ${path} for appending (${(error as Error).message}): ${fileErrorAdvice(code, directory)}. ` +
                    'The batch will be written again.',
                { code, cause: error }
            );
        }
    }

    /**
     * Gives the root and the instance directory their mode (and group), once per process, and lets the group pass
     * through the directories above the root it must cross.
     */
    private async prepareDirectories(instanceDirectory: string): Promise<void> {
        const group = this.options.group;
        for (const dir of [this.root, instanceDirectory]) {
            if (this.prepared.has(dir)) continue;
            const { mode } = await stat(dir);
            if ((mode & 0o777) !== this.directoryMode) await chmod(dir, this.directoryMode);
            if (group !== undefined) await this.giveToGroup(dir, () => chown(dir, -1, group.gid));
            this.prepared.add(dir);
        }
        if (group === undefined) return;
        for (const dir of this.options.passThrough ?? []) {
            if (this.prepared.has(dir)) continue;
            const { mode } = await stat(dir);
            await this.giveToGroup(dir, () => chown(dir, -1, group.gid));
            if ((mode & 0o010) === 0) await chmod(dir, (mode & 0o777) | 0o010);
            this.prepared.add(dir);
        }
    }

    /** Runs a chown to the configured group; a refusal says what to change instead of a bare EPERM. */
    private async giveToGroup(path: string, change: () => Promise<void>): Promise<void> {
        try {
            await change();
        } catch (error) {
            const code = errnoCode(error);
            if (code !== 'EPERM') throw error;
            throw new SinkError(
                'jsonl',
                `cannot give ${path} to group '${this.options.group?.name}' (sink.group): the user running ` +
                    'signal-client must be a member of that group (or own the directory); fix that, or remove sink.group',
                { code, cause: error }
            );
        }
    }

    private async openAppend(path: string, day: string): Promise<OpenFile> {
        let handle: FileHandle;
        let isNew = true;
        try {
            handle = await this.openFile(path, 'ax+');
        } catch (error) {
            if (errnoCode(error) !== 'EEXIST') throw error;
            isNew = false;
            handle = await this.openFile(path, 'a+');
        }
        try {
            if (isNew) await this.syncDirectory(dirname(path));
            // The mode asked for at creation went through the umask, and an older file may be looser.
            const { mode } = await handle.stat();
            if ((mode & 0o777) !== this.fileMode) await handle.chmod(this.fileMode);
            if (this.options.group !== undefined)
                await this.giveToGroup(path, () => handle.chown(-1, this.options.group!.gid));
            const { size } = await handle.stat();
            let endsWithNewline = true;
            if (size > 0) {
                const last = Buffer.alloc(1);
                await handle.read(last, 0, 1, size - 1);
                endsWithNewline = last[0] === 0x0a;
            }
            this.options.logger?.debug(isNew ? 'Created JSONL file' : 'Appending to JSONL file', { path, size });
            return { path, day, handle, size, endsWithNewline };
        } catch (error) {
            await handle.close().catch(() => undefined);
            throw error;
        }
    }
}

const NEWLINE = 0x0a;

/** Writes the first `length` bytes of `data` at the file's end (a write may take less than asked); returns `length`. */
async function writeFully(handle: FileHandle, data: Buffer, length = data.length): Promise<number> {
    for (let written = 0; written < length;) {
        written += (await handle.write(data, written, length - written)).bytesWritten;
    }
    return length;
}

/** `YYYY-MM-DD` of a timestamp, in UTC. */
export function utcDay(epochMs: number): string {
    return new Date(epochMs).toISOString().slice(0, 10);
}
