import {
    DEFAULT_STREAM_ID,
    isStreamStatus,
    type Artifact,
    type ConfigValidation,
    type ConnectionReport,
    type Connector,
    type ConnectorContext,
    type PollBatch,
    type PollContext,
    type PollItem,
    type StreamCheckpoints
} from '@signal-connectors/connector-sdk';

/** A batch a script yields: without a `stream`, it belongs to the `default` stream. */
export type ScriptedItem = PollItem | (Omit<PollBatch, 'stream'> & { stream?: string });

/**
 * How a {@link ScriptedConnector} polls: an async iterable of items per call (0-based). `checkpoint` is the
 * `default` stream's; `checkpoints` all of them.
 */
export type PollScript = (
    checkpoint: unknown,
    ctx: PollContext,
    call: number,
    checkpoints?: StreamCheckpoints
) => AsyncIterable<ScriptedItem>;

/** One recorded call of {@link ScriptedConnector.poll}. */
export interface PollCall {
    /** The `default` stream's checkpoint. */
    checkpoint: unknown;
    checkpoints: StreamCheckpoints;
    ctx: PollContext;
    startedAt: number;
}

/** Options of a {@link ScriptedConnector}. */
export interface ScriptedConnectorOptions {
    poll?: PollScript;
    /** Default: accepts any object and reports its `password` (if a string) as a secret. */
    validateConfig?: (raw: unknown) => ConfigValidation<unknown>;
    testConnection?: (config: unknown, ctx: ConnectorContext) => Promise<ConnectionReport>;
}

/** A connector whose behaviour each test scripts; records every poll. */
export class ScriptedConnector implements Connector {
    readonly polls: PollCall[] = [];
    /** Polls that have started and not yet ended. */
    active = 0;
    /** The most polls of this connector that ran at once. */
    maxActive = 0;

    constructor(private readonly options: ScriptedConnectorOptions = {}) {}

    validateConfig(raw: unknown): ConfigValidation<unknown> {
        if (this.options.validateConfig !== undefined) return this.options.validateConfig(raw);
        if (typeof raw !== 'object' || raw === null)
            return { ok: false, problems: [{ path: '', message: 'must be an object' }] };
        const password = (raw as { password?: unknown }).password;
        return { ok: true, config: raw, secrets: typeof password === 'string' ? [password] : [] };
    }

    testConnection(config: unknown, ctx: ConnectorContext): Promise<ConnectionReport> {
        return (
            this.options.testConnection?.(config, ctx) ??
            Promise.resolve({ ok: true, message: 'reachable', latencyMs: 5 })
        );
    }

    async *poll(_config: unknown, checkpoints: StreamCheckpoints, ctx: PollContext): AsyncIterable<PollItem> {
        const call = this.polls.length;
        const checkpoint = checkpoints[DEFAULT_STREAM_ID];
        this.polls.push({ checkpoint, checkpoints, ctx, startedAt: ctx.clock.now() });
        this.active++;
        this.maxActive = Math.max(this.maxActive, this.active);
        try {
            if (this.options.poll === undefined) return;
            for await (const item of this.options.poll(checkpoint, ctx, call, checkpoints)) {
                yield isStreamStatus(item as PollItem)
                    ? (item as PollItem)
                    : ({ stream: DEFAULT_STREAM_ID, ...item } as PollBatch);
            }
        } finally {
            this.active--;
        }
    }
}

/**
 * A poll that waits for `until` (if given), then fails with the error `makeError` returns: a fresh error per
 * poll, thrown from the iterator as a connector's own would be.
 */
export function failingPoll(makeError: () => unknown, until?: Promise<unknown>): PollScript {
    return () => ({
        [Symbol.asyncIterator]: () => ({
            next: async (): Promise<IteratorResult<ScriptedItem>> => {
                await until;
                throw makeError();
            }
        })
    });
}

/** `count` artifacts with ids `<prefix>-<n>`, from the given instance. */
export function makeArtifacts(
    count: number,
    source: { connector: string; instance: string },
    prefix = 'a'
): Artifact[] {
    return Array.from({ length: count }, (_, i) => ({
        id: `${prefix}-${i}`,
        type: 'test.record',
        time: '2024-01-01T00:00:00.000Z',
        source,
        data: { n: i }
    }));
}

/** A promise with its resolve and reject exposed. */
export interface Deferred<T = void> {
    promise: Promise<T>;
    resolve(value: T): void;
    reject(reason: unknown): void;
}

/** Makes a {@link Deferred}. */
export function deferred<T = void>(): Deferred<T> {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
    });
    return { promise, resolve, reject };
}

/** Lets pending promise chains run (a macrotask turn). */
export function flush(): Promise<void> {
    return new Promise(resolve => setImmediate(resolve));
}
