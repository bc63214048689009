import { type Artifact, artifactJson } from '@signal-connectors/connector-sdk';

/**
 * A batch could not be delivered. The message names the destination (path or URL, never credentials) and what
 * to do; the checkpoint does not move, so the batch is delivered again once the cause is fixed.
 */
export class SinkError extends Error {
    /** The sink type that failed: `jsonl`, `stdout` or `http`. */
    readonly sink: string;
    /** The errno code (`ENOSPC`) or HTTP status (`503`) behind the failure, when there is one. */
    readonly code?: string;

    constructor(sink: string, message: string, options: { code?: string; cause?: unknown } = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'SinkError';
        this.sink = sink;
        this.code = options.code;
    }
}

/** What to do about a file system error while writing to `path`, in one sentence. */
export function fileErrorAdvice(code: string | undefined, path: string): string {
    switch (code) {
        case 'ENOSPC':
            return `free space on the file system holding ${path}, or point sink.path at another volume`;
        case 'EDQUOT':
            return `the disk quota of the user running signal-client is exhausted: raise it or free space`;
        case 'EACCES':
        case 'EPERM':
            return `give the user running signal-client write access to ${path}, or change sink.path`;
        case 'EROFS':
            return `${path} is on a read-only file system: point sink.path at a writable volume`;
        case 'ENOTDIR':
        case 'EEXIST':
        case 'EISDIR':
            return `a file or directory is in the way at ${path}: move it aside or change sink.path`;
        case 'EIO':
            return `the disk reported an I/O error: check the device holding ${path}`;
        case 'EMFILE':
        case 'ENFILE':
            return 'too many open files: raise the open-file limit of the signal-client service';
        default:
            return `check that ${path} is writable and its disk healthy`;
    }
}

/** The errno code of a Node.js system error, if it is one. */
export function errnoCode(error: unknown): string | undefined {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : undefined;
}

/**
 * Serialises artifacts as JSON lines, each ending in `\n` (an artifact's pre-rendered text when it carries one, see
 * `artifactJson`); throws a readable error for a non-JSON value.
 */
export function toJsonLines(artifacts: readonly Artifact[]): string {
    let text = '';
    for (let i = 0; i < artifacts.length; i++) text += `${jsonLine(artifacts, i)}\n`;
    return text;
}

/** The JSON text of `artifacts[index]`, or a TypeError that names it when it is not JSON. */
export function jsonLine(artifacts: readonly Artifact[], index: number): string {
    let line: string | undefined;
    try {
        line = artifactJson(artifacts[index]);
    } catch (error) {
        throw new TypeError(
            `artifact ${index} of the batch cannot be serialised as JSON: ${(error as Error).message}`,
            {
                cause: error
            }
        );
    }
    if (line === undefined) throw new TypeError(`artifact ${index} of the batch is not a JSON value`);
    return line;
}
