import { expect } from 'chai';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.js';

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
    const all: string[] = [];
    for await (const key of keys) all.push(key);
    return all;
}

describe('InMemoryKeyValueStore', () => {
    it('stores, reads, lists and deletes values', async () => {
        const store = new InMemoryKeyValueStore({ 'kb:2': { title: 'two' } });
        await store.set('kb:1', { title: 'one' });
        await store.setMany([
            ['other', 3],
            ['kb:3', null]
        ]);
        expect(await store.get('kb:1')).to.deep.equal({ title: 'one' });
        expect(await store.get('missing')).to.equal(undefined);
        expect(await store.getMany(['kb:2', 'missing', 'other'])).to.deep.equal(
            new Map<string, unknown>([
                ['kb:2', { title: 'two' }],
                ['other', 3]
            ])
        );
        expect(await collect(store.keys('kb:'))).to.deep.equal(['kb:1', 'kb:2', 'kb:3']);
        expect(await collect(store.keys())).to.deep.equal(['kb:1', 'kb:2', 'kb:3', 'other']);
        await store.delete('kb:1');
        expect(store.size).to.equal(3);
        expect(store.snapshot()).to.deep.equal({ 'kb:2': { title: 'two' }, 'kb:3': null, other: 3 });
    });

    it('hands out copies, so a caller cannot change what is stored by mutating', async () => {
        const store = new InMemoryKeyValueStore();
        const value = { ids: [1, 2] };
        await store.set('state', value);
        value.ids.push(3);
        const read = await store.get<{ ids: number[] }>('state');
        read!.ids.push(4);
        expect(await store.get('state')).to.deep.equal({ ids: [1, 2] });
    });

    it('rejects values that are not plain JSON, naming the key and the path', async () => {
        const store = new InMemoryKeyValueStore();
        const cases: [unknown, RegExp][] = [
            [{ seenAt: new Date() }, /'cache' is not plain JSON: found a Date at 'seenAt'/],
            [{ ids: new Set([1]) }, /found a Set at 'ids'/],
            [{ list: [1, undefined] }, /found undefined at 'list\[1\]'/],
            [{ score: NaN }, /found NaN at 'score'/],
            [{ size: 10n }, /found a bigint at 'size'/],
            [undefined, /use delete\(\)/]
        ];
        for (const [value, message] of cases) {
            const error = await store.set('cache', value).then(
                () => undefined,
                (e: Error) => e
            );
            expect(error, String(message)).to.be.instanceOf(TypeError);
            expect(error?.message).to.match(message);
        }
        expect(store.size).to.equal(0);
    });

    it('writes setMany atomically: one bad value stores nothing', async () => {
        const store = new InMemoryKeyValueStore();
        const error = await store
            .setMany<unknown>([
                ['a', 1],
                ['b', () => 2]
            ])
            .then(
                () => undefined,
                (e: Error) => e
            );
        expect(error).to.be.instanceOf(TypeError);
        expect(store.snapshot()).to.deep.equal({});
    });

    it('allows undefined object properties, which JSON drops', async () => {
        const store = new InMemoryKeyValueStore();
        await store.set('x', { a: 1, b: undefined });
        expect(await store.get('x')).to.deep.equal({ a: 1 });
    });
});
