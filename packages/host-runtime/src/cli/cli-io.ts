import type { Writable } from 'node:stream';

/** A stream that may be a terminal (as `process.stdout` and `process.stderr` are). */
export type CliStream = Writable & { isTTY?: boolean; columns?: number };

/**
 * What a command reads and writes besides files: results go to `stdout`, logs, progress and errors to `stderr`
 * (so `stdout` stays usable in pipes, and free for the stdout sink).
 */
export interface CliIo {
    stdout: CliStream;
    stderr: CliStream;
    env: NodeJS.ProcessEnv;
    /** Relative paths given on the command line are resolved against it. */
    cwd: string;
}

/** The process's own streams, environment and working directory. */
export function processIo(): CliIo {
    return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Writes `text` to `stream`, adding the final newline when it is missing. */
export function writeLine(stream: Writable, text = ''): void {
    stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
