import { expect } from 'chai';
import type { PollBatch, PollItem } from '../connector.js';
import { ConnectorError } from '../connector-error.js';
import { checkBatch, checkPollItems, DeadlineExceededError, findSecret, within } from './contract-checks.js';

const source = { connector: 'example.paged-api', instance: 'prod' };
const artifact = { id: 'a1', type: 'example.item', time: '2024-01-01T00:00:00.000Z', source, data: { n: 1 } };

describe('checkBatch', () => {
    it('accepts a well-formed batch', () => {
        checkBatch(
            {
                stream: 'items',
                artifacts: [artifact, { ...artifact, id: 'a2', time: '2024-01-01T00:00:00Z' }],
                checkpoint: { after: 'a2' }
            },
            0,
            source,
            ['items']
        );
        checkBatch({ stream: 'items', artifacts: [], checkpoint: 0 }, 0, source);
    });

    it('names the batch, the artifact and the fault', () => {
        const bad = (change: Record<string, unknown>, checkpoint: unknown = 'x'): PollBatch =>
            ({ stream: 'items', artifacts: [artifact, { ...artifact, ...change }], checkpoint }) as PollBatch;
        expect(() => checkBatch(bad({ id: '' }), 1, source)).to.throw(
            'batch 2, artifact 2: id must be a non-empty string'
        );
        expect(() => checkBatch(bad({ time: '2024-01-01 10:00' }), 0, source)).to.throw(
            /artifact 2 \(id a1\): time "2024-01-01 10:00"/
        );
        expect(() => checkBatch(bad({ time: '2024-01-01T00:00:00+02:00' }), 0, source)).to.throw(/ISO-8601 UTC/);
        expect(() => checkBatch(bad({ source: { connector: 'other', instance: 'prod' } }), 0, source)).to.throw(
            /source must be/
        );
        expect(() => checkBatch(bad({ data: undefined }), 0, source)).to.throw(/data is missing/);
        expect(() => checkBatch(bad({ data: { at: new Date() } }), 0, source)).to.throw(
            /not plain JSON \(a Date at data.at\)/
        );
        expect(() =>
            checkBatch({ stream: 'items', artifacts: [artifact] } as unknown as PollBatch, 0, source)
        ).to.throw('batch 1 has no checkpoint');
        expect(() => checkBatch({ artifacts: [], checkpoint: 1 } as unknown as PollBatch, 2, source)).to.throw(
            'batch 3 names no stream'
        );
        expect(() => checkBatch(bad({}), 0, source, ['users', 'groups'])).to.throw(
            "batch 1 names stream 'items', which the manifest does not declare (users, groups)"
        );
        expect(() => checkBatch(bad({}, { seen: new Set() }), 0, source)).to.throw(
            /checkpoint is not plain JSON \(a Set at seen\)/
        );
    });
});

describe('checkPollItems', () => {
    const batch = (stream: string): PollBatch => ({ stream, artifacts: [artifact], checkpoint: { n: 1 } });
    const failed = (stream: string): PollItem => ({
        stream,
        status: 'failed',
        error: new ConnectorError('transient', 'down')
    });

    it('accepts batches then one status per stream, streams interleaved', () => {
        checkPollItems([batch('a'), batch('b'), batch('a'), { stream: 'a', status: 'complete' }, failed('b')], source, [
            'a',
            'b'
        ]);
    });

    it('refuses a batch after its stream ended, a second status, an unknown status and a failure without error', () => {
        const complete = { stream: 'a', status: 'complete' } as const;
        expect(() => checkPollItems([complete, batch('a')], source, ['a'])).to.throw(
            "item 2: a batch of stream 'a' after its status (item 1)"
        );
        expect(() => checkPollItems([complete, failed('a')], source, ['a'])).to.throw(
            "item 2: stream 'a' reported a status twice"
        );
        expect(() => checkPollItems([{ stream: 'a', status: 'done' } as unknown as PollItem], source, ['a'])).to.throw(
            `item 1: status must be 'complete' or 'failed', not "done"`
        );
        expect(() =>
            checkPollItems([{ stream: 'a', status: 'failed' } as unknown as PollItem], source, ['a'])
        ).to.throw('item 1: a failed status needs a ConnectorError with a kind and a message');
        expect(() => checkPollItems([complete], source, ['b'])).to.throw(
            "item 1 names stream 'a', which the manifest does not declare (b)"
        );
    });
});

describe('findSecret', () => {
    const secrets = ['pa"ss\\w0rd/x', 'other-s3cret'];

    it('finds a secret as written, JSON-escaped, URL-encoded or inside a Basic header, without revealing it', () => {
        const basic = Buffer.from('user:other-s3cret').toString('base64');
        expect(findSecret(secrets, [{ label: 'the log', text: 'password=pa"ss\\w0rd/x' }])).to.equal(
            'secret #1 (of 2) appears in the log'
        );
        expect(findSecret(secrets, [{ label: 'json', text: JSON.stringify({ p: secrets[0] }) }])).to.equal(
            'secret #1 (of 2) appears in json'
        );
        expect(
            findSecret(secrets, [{ label: 'url', text: `https://x/?p=${encodeURIComponent(secrets[0])}` }])
        ).to.match(/#1/);
        expect(findSecret(secrets, [{ label: 'headers', text: `authorization: Basic ${basic}` }])).to.equal(
            'secret #2 (of 2) appears in headers'
        );
    });

    it('returns undefined when no secret appears', () => {
        expect(findSecret(secrets, [{ label: 'the log', text: 'password=[REDACTED]' }])).to.equal(undefined);
    });
});

describe('within', () => {
    it('returns the value of work that finishes in time', async () => {
        expect(await within(Promise.resolve(7), 100, 'work')).to.equal(7);
    });

    it('throws a DeadlineExceededError and calls onTimeout when the work is late', async () => {
        let timedOut = false;
        const error = await within(new Promise(() => undefined), 20, 'the poll', () => (timedOut = true)).then(
            () => undefined,
            (e: Error) => e
        );
        expect(error).to.be.instanceOf(DeadlineExceededError);
        expect(error?.message).to.equal('the poll did not finish within 20 ms');
        expect(timedOut).to.equal(true);
    });
});
