import { type ChildProcess, fork, type Serializable } from 'node:child_process';

/** What a benchmark child sends its parent over IPC. */
export type BenchChildMessage<R> =
    { type: 'result'; result: R } | { type: 'error'; error: string } | { type: 'progress'; text: string };

/** Options of {@link runBenchChild}. */
export interface BenchChildOptions {
    /** Node options of the child, e.g. `--cpu-prof`. */
    execArgv?: string[];
    /** The child is killed and the run fails after this long. */
    timeoutMs: number;
    /** Receives the child's progress lines. */
    onProgress?: (text: string) => void;
}

/** Children still running, so the parent can kill them whatever way it exits. */
const running = new Set<ChildProcess>();

/** Kills every benchmark child still running (on exit, on a signal, after a failure). */
export function killBenchChildren(): void {
    for (const child of running) child.kill('SIGKILL');
    running.clear();
}

/**
 * Runs one measurement in a fresh Node process (the same binary as this one), so its peak RSS and its JIT state
 * are its own: forks `entry`, sends it `task`, and resolves with its result once it has exited (a CPU profile is
 * only written at exit). Rejects when the child reports an error, dies without a result, or times out.
 */
export function runBenchChild<T, R>(entry: string, task: T, options: BenchChildOptions): Promise<R> {
    return new Promise<R>((resolve, reject) => {
        const child = fork(entry, [], {
            execArgv: options.execArgv ?? [],
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
            serialization: 'advanced'
        });
        running.add(child);
        let outcome: { result: R } | { error: Error } | undefined;
        const timer = setTimeout(() => {
            outcome ??= { error: new Error(`${entry} did not finish within ${options.timeoutMs / 1000} s`) };
            child.kill('SIGKILL');
        }, options.timeoutMs);
        child.on('message', (message: BenchChildMessage<R>) => {
            if (message.type === 'progress') options.onProgress?.(message.text);
            else if (message.type === 'result') outcome ??= { result: message.result };
            else outcome ??= { error: new Error(message.error) };
        });
        child.once('error', error => {
            outcome ??= { error };
        });
        child.once('exit', (code, signal) => {
            clearTimeout(timer);
            running.delete(child);
            if (outcome !== undefined && 'result' in outcome) resolve(outcome.result);
            else reject(outcome?.error ?? new Error(`${entry} exited (${signal ?? code}) without a result`));
        });
        child.send(task as Serializable);
    });
}

/**
 * The child side: waits for the task, runs `work`, sends the result (or the error) and exits. A child whose
 * parent went away exits too, so an interrupted benchmark leaves no process behind.
 */
export function serveBenchTask<T, R>(work: (task: T, progress: (text: string) => void) => Promise<R>): void {
    if (process.send === undefined) {
        console.error('this is a benchmark child process: run `npm run bench` instead');
        process.exit(2);
    }
    const send = (message: BenchChildMessage<R>, then?: () => void): void => {
        process.send?.(message as Serializable, undefined, {}, then);
    };
    let done = false;
    process.once('disconnect', () => {
        if (!done) process.exit(1);
    });
    process.once('message', (task: T) => {
        const finish = (message: BenchChildMessage<R>, code: number): void => {
            done = true;
            // Exit explicitly: keep-alive sockets would otherwise hold the process until the server drops them.
            send(message, () => process.exit(code));
        };
        work(task, text => send({ type: 'progress', text })).then(
            result => finish({ type: 'result', result }, 0),
            (error: unknown) => finish({ type: 'error', error: describeError(error) }, 1)
        );
    });
}

function describeError(error: unknown): string {
    return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
