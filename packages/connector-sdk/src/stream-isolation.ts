import { isStreamStatus, type PollBatch, type PollItem } from './connector.js';
import { ConnectorError } from './connector-error.js';
import type { Logger } from './logging/logger.js';
import type { StreamStatus } from './stream.js';

/** One stream of a poll: its declared id and the generator that polls it. */
export interface StreamRun {
    /** The declared stream id; every item the generator yields must name it. */
    readonly stream: string;
    /**
     * Polls the stream from its checkpoint: yields its batches and throws on failure (any error; see
     * {@link asConnectorError}). It may yield its own status instead, e.g. to fail with a chosen error after
     * delivering what it could; it is not read any further after that.
     */
    poll(): AsyncIterable<PollBatch | StreamStatus>;
}

/** Options of {@link isolateStream} and {@link runStreams}. */
export interface StreamIsolationOptions {
    /** The poll's signal: an error once it aborted stops the whole poll (rethrown) instead of failing a stream. */
    signal: AbortSignal;
    /** Told about each stream that fails, with its error. */
    logger?: Logger;
}

/**
 * Runs one stream and turns its end into a status: `complete` when its generator returns, `failed` (with the
 * error as a `ConnectorError`, logged as a warning) when it throws, so the caller can go on with the other streams. Once the
 * signal aborted, a stream that returns reports nothing and an error is rethrown: stopping is the poll's
 * business, not an outcome of the stream.
 */
export async function* isolateStream(
    run: StreamRun,
    options: StreamIsolationOptions
): AsyncGenerator<PollItem, void, undefined> {
    try {
        for await (const item of run.poll()) {
            if (item.stream !== run.stream) {
                throw new ConnectorError(
                    'protocol',
                    `stream '${run.stream}' yielded an item of stream '${String(item.stream)}'`,
                    { hint: 'report this to the plugin maintainers, with the log' }
                );
            }
            yield item;
            // A stream that reported its own status is over.
            if (isStreamStatus(item)) return;
        }
    } catch (error) {
        if (options.signal.aborted) throw error;
        const failure = asConnectorError(error, `stream '${run.stream}'`);
        // A warning: the stream's failure is reported, and the host fails the poll (and logs that as an error).
        options.logger?.warn(`Stream ${run.stream} failed (${failure.kind}): ${failure.message}`, {
            stream: run.stream,
            error: failure
        });
        yield { stream: run.stream, status: 'failed', error: failure };
        return;
    }
    // A stream that returned because the poll was stopped did not complete: it reports nothing.
    if (!options.signal.aborted) yield { stream: run.stream, status: 'complete' };
}

/**
 * Runs streams one after the other, each isolated ({@link isolateStream}): a stream that fails yields its
 * `failed` status and the next one starts anyway. Stops between streams once the signal aborted. This is the
 * usual body of a multi-stream `poll`:
 *
 * ```ts
 * poll(config, checkpoints, ctx) {
 *     return runStreams([
 *         { stream: 'items', poll: () => pollItems(config, checkpoints.items, ctx) },
 *         { stream: 'users', poll: () => pollUsers(config, checkpoints.users, ctx) }
 *     ], { signal: ctx.signal, logger: ctx.logger });
 * }
 * ```
 */
export async function* runStreams(
    runs: readonly StreamRun[],
    options: StreamIsolationOptions
): AsyncGenerator<PollItem, void, undefined> {
    const ids = runs.map(run => run.stream);
    const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
    if (repeated !== undefined) throw new TypeError(`runStreams: stream '${repeated}' is given twice`);
    for (const run of runs) {
        if (options.signal.aborted) return;
        yield* isolateStream(run, options);
    }
}

/** Error codes of Node's network layer: the connection failed, so trying again later may work. */
const NETWORK_ERROR_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'ETIMEDOUT',
    'EPIPE',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENETDOWN',
    'UND_ERR_SOCKET'
]);

/**
 * `error` as a `ConnectorError` the host can act on; a `ConnectorError` is returned as it is. Otherwise, what
 * failed is named (`what`, e.g. `stream 'scans'`) and the original kept as `cause`:
 * - a `SyntaxError`, `TypeError` or `RangeError` (data the code could not read: a malformed document, a
 *   missing field) is `protocol`: retried a bounded number of times;
 * - a network error (`ECONNRESET`, `ETIMEDOUT`, ...) and anything else is `transient`: retried with backoff.
 * Both say to report it when it is not a network error: a plugin should throw `ConnectorError`s itself.
 */
export function asConnectorError(error: unknown, what: string): ConnectorError {
    if (ConnectorError.is(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) {
        return new ConnectorError('transient', `${what}: network error ${code}: ${message}`, { cause: error });
    }
    const unreadable = error instanceof SyntaxError || error instanceof TypeError || error instanceof RangeError;
    return new ConnectorError(unreadable ? 'protocol' : 'transient', `${what} failed unexpectedly: ${message}`, {
        hint: 'report this to the plugin maintainers, with the log',
        cause: error
    });
}
