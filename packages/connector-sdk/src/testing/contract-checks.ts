import assert from 'node:assert/strict';
import { isStreamStatus, type PollBatch, type PollItem } from '../connector.js';
import { findNonJsonValue } from '../json-value.js';

/** Thrown by {@link within} when the awaited work takes too long (never by the code under test). */
export class DeadlineExceededError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'DeadlineExceededError';
    }
}

/**
 * Awaits `promise` for at most `ms`; past that, calls `onTimeout` (e.g. to abort the work) and throws a
 * {@link DeadlineExceededError} saying `what` did not finish. A late rejection of `promise` is ignored.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
    promise.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
            () => {
                onTimeout?.();
                reject(new DeadlineExceededError(`${what} did not finish within ${Math.round(ms)} ms`));
            },
            Math.max(0, ms)
        );
    });
    try {
        return await Promise.race([promise, deadline]);
    } finally {
        clearTimeout(timer);
    }
}

/** An ISO-8601 UTC time as `Date.toISOString()` writes it (fraction optional). */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/**
 * Asserts that one batch is well formed: it names a stream (one of `streams`, when given), an `artifacts` array
 * of envelopes with a non-empty `id` and `type`, a valid ISO-8601 UTC `time`, `source` naming this connector
 * and instance, and `data`; everything plain JSON (sinks write JSON, and the host stores the checkpoint as JSON).
 */
export function checkBatch(
    batch: PollBatch,
    index: number,
    source: { connector: string; instance: string },
    streams?: readonly string[]
): void {
    const where = `batch ${index + 1}`;
    assert.ok(typeof batch === 'object' && batch !== null, `${where} is not an object`);
    checkStreamName(batch.stream, where, streams);
    assert.ok(Array.isArray(batch.artifacts), `${where}: artifacts is not an array`);
    assert.ok('checkpoint' in batch && batch.checkpoint !== undefined, `${where} has no checkpoint`);
    const checkpointProblem = findNonJsonValue(batch.checkpoint);
    assert.equal(
        checkpointProblem,
        undefined,
        `${where}: the checkpoint is not plain JSON (${describe(checkpointProblem)})`
    );
    batch.artifacts.forEach((artifact, i) => {
        const at = `${where}, artifact ${i + 1}${typeof artifact?.id === 'string' && artifact.id !== '' ? ` (id ${artifact.id})` : ''}`;
        assert.ok(typeof artifact === 'object' && artifact !== null, `${at} is not an object`);
        assert.ok(typeof artifact.id === 'string' && artifact.id.trim() !== '', `${at}: id must be a non-empty string`);
        assert.ok(
            typeof artifact.type === 'string' && artifact.type.trim() !== '',
            `${at}: type must be a non-empty string`
        );
        assert.ok(
            typeof artifact.time === 'string' &&
                ISO_UTC.test(artifact.time) &&
                !Number.isNaN(Date.parse(artifact.time)),
            `${at}: time ${typeof artifact.time === 'string' ? JSON.stringify(artifact.time) : `(${kindOf(artifact.time)})`} is not an ISO-8601 UTC string such as 2024-05-01T12:00:00.000Z`
        );
        assert.deepEqual(
            { connector: artifact.source?.connector, instance: artifact.source?.instance },
            source,
            `${at}: source must be { connector: manifest id, instance: ctx.instanceId }`
        );
        assert.ok('data' in artifact && artifact.data !== undefined, `${at}: data is missing`);
        const problem = findNonJsonValue(artifact);
        assert.equal(problem, undefined, `${at} is not plain JSON (${describe(problem)})`);
    });
}

/**
 * Asserts that what a poll yielded is well formed as a whole: every batch passes {@link checkBatch}; every stream
 * status names a declared stream, says `complete` or `failed` (with an error that has a kind and a message), and
 * comes at most once per stream, after that stream's last batch.
 */
export function checkPollItems(
    items: readonly PollItem[],
    source: { connector: string; instance: string },
    streams: readonly string[]
): void {
    const ended = new Map<string, number>();
    let batches = 0;
    items.forEach((item, index) => {
        const where = `item ${index + 1}`;
        assert.ok(typeof item === 'object' && item !== null, `${where} is not an object`);
        if (!isStreamStatus(item)) {
            checkBatch(item, batches++, source, streams);
            const end = ended.get(item.stream);
            assert.equal(end, undefined, `${where}: a batch of stream '${item.stream}' after its status (item ${end})`);
            return;
        }
        checkStreamName(item.stream, where, streams);
        assert.ok(
            item.status === 'complete' || item.status === 'failed',
            `${where}: status must be 'complete' or 'failed', not ${JSON.stringify(item.status)}`
        );
        if (item.status === 'failed') {
            const error = item.error as { kind?: unknown; message?: unknown } | undefined;
            assert.ok(
                typeof error?.kind === 'string' && typeof error.message === 'string' && error.message !== '',
                `${where}: a failed status needs a ConnectorError with a kind and a message`
            );
        }
        const previous = ended.get(item.stream);
        assert.equal(previous, undefined, `${where}: stream '${item.stream}' reported a status twice`);
        ended.set(item.stream, index + 1);
    });
}

function checkStreamName(stream: unknown, where: string, streams: readonly string[] | undefined): void {
    assert.ok(typeof stream === 'string' && stream !== '', `${where} names no stream`);
    if (streams !== undefined) {
        assert.ok(
            streams.includes(stream),
            `${where} names stream '${stream}', which the manifest does not declare (${streams.join(', ')})`
        );
    }
}

function kindOf(value: unknown): string {
    if (value === null || value === undefined) return String(value);
    return typeof value === 'object' ? `a ${value.constructor?.name ?? 'object'}` : `a ${typeof value}`;
}

function describe(problem: ReturnType<typeof findNonJsonValue>): string {
    return problem === undefined ? '' : `${problem.found}${problem.path === '' ? '' : ` at ${problem.path}`}`;
}

/** A place where something the connector produced can be searched for secrets. */
export interface Haystack {
    /** What it is, e.g. `the log`, `the error thrown by poll`. */
    label: string;
    text: string;
}

/**
 * The first place a secret shows up in, as written, JSON-escaped, URL-encoded, or inside a Basic
 * `Authorization` value; undefined when none does. The result names the place and which secret (by position),
 * never the secret itself, so the failure message leaks nothing either.
 */
export function findSecret(secrets: readonly string[], haystacks: readonly Haystack[]): string | undefined {
    for (const haystack of haystacks) {
        const decoded = [...haystack.text.matchAll(/Basic\s+([A-Za-z0-9+/]+=*)/g)].map(m =>
            Buffer.from(m[1], 'base64').toString('utf8')
        );
        for (const [index, secret] of secrets.entries()) {
            const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
            const found =
                [...forms].some(form => haystack.text.includes(form)) || decoded.some(text => text.includes(secret));
            if (found) return `secret #${index + 1} (of ${secrets.length}) appears in ${haystack.label}`;
        }
    }
    return undefined;
}
