/**
 * Exits with `code` once what was written to stdout and stderr has been handed to the OS. Exiting explicitly
 * matters: an HTTP keep-alive socket or a timer left by a plugin must not keep a finished command alive; waiting
 * a turn first lets the log lines still in the logger's pipeline reach stderr.
 */
export function exitWhenFlushed(code: number): void {
    setImmediate(() => {
        let pending = 2;
        const done = (): void => {
            if (--pending === 0) process.exit(code);
        };
        process.stdout.write('', done);
        process.stderr.write('', done);
    });
}
