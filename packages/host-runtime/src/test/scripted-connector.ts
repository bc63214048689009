import type {
    Artifact,
    ConfigValidation,
    ConnectionReport,
    Connector,
    ConnectorContext,
    PollBatch,
    PollContext
} from '@signal-connectors/connector-sdk';

/** How a {@link ScriptedConnector} polls: an async iterable of batches per call (0-based). */
export type PollScript = (checkpoint: unknown, ctx: PollContext, call: number) => AsyncIterable<PollBatch>;

/** One recorded call of {@link ScriptedConnector.poll}. */
export interface PollCall {
    checkpoint: unknown;
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

    async *poll(_config: unknown, checkpoint: unknown, ctx: PollContext): AsyncIterable<PollBatch> {
        const call = this.polls.length;
        this.polls.push({ checkpoint, ctx, startedAt: ctx.clock.now() });
        this.active++;
        this.maxActive = Math.max(this.maxActive, this.active);
        try {
            if (this.options.poll !== undefined) yield* this.options.poll(checkpoint, ctx, call);
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
            next: async (): Promise<IteratorResult<PollBatch>> => {
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
