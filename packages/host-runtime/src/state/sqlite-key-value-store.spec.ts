import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStateStore } from './sqlite-state-store.js';

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
    const all: string[] = [];
    for await (const key of keys) all.push(key);
    return all;
}

describe('SqliteKeyValueStore', () => {
    let dir: string;
    let store: SqliteStateStore;

    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), 'kv-store-'));
        store = new SqliteStateStore({ dataDir: dir });
    });
    afterEach(() => {
        store.close();
        rmSync(dir, { recursive: true, force: true });
    });

    it('stores JSON values that survive a reopen', async () => {
        await store.keyValueStore('plugin:q').set('kb:1', { qid: 1, title: 'OpenSSL', cves: ['CVE-2024-1'] });
        store.close();
        store = new SqliteStateStore({ dataDir: dir });
        const kv = store.keyValueStore('plugin:q');
        expect(await kv.get('kb:1')).to.deep.equal({ qid: 1, title: 'OpenSSL', cves: ['CVE-2024-1'] });
        expect(await kv.get('kb:2')).to.equal(undefined);
        await kv.set('kb:1', 'replaced');
        expect(await kv.get('kb:1')).to.equal('replaced');
        await kv.delete('kb:1');
        expect(await kv.get('kb:1')).to.equal(undefined);
    });

    it('keeps namespaces apart', async () => {
        const a = store.keyValueStore('instance:a');
        const b = store.keyValueStore('instance:b');
        await a.set('k', 1);
        await b.set('k', 2);
        expect(await a.get('k')).to.equal(1);
        expect(await b.get('k')).to.equal(2);
        await a.delete('k');
        expect(await b.get('k')).to.equal(2);
        expect(await collect(a.keys())).to.deep.equal([]);
        expect(await collect(b.keys())).to.deep.equal(['k']);
    });

    it('lists keys by prefix in ascending order, treating LIKE wildcards literally', async () => {
        const kv = store.keyValueStore('ns');
        await kv.setMany([
            ['kb:10', 1],
            ['kb:2', 1],
            ['kb:1', 1],
            ['kc:1', 1],
            ['k%:1', 1],
            ['k_:1', 1],
            ['ka', 1]
        ]);
        expect(await collect(kv.keys('kb:'))).to.deep.equal(['kb:1', 'kb:10', 'kb:2']);
        expect(await collect(kv.keys('k%'))).to.deep.equal(['k%:1']);
        expect(await collect(kv.keys('k_'))).to.deep.equal(['k_:1']);
        expect(await collect(kv.keys('z'))).to.deep.equal([]);
        expect(await collect(kv.keys())).to.deep.equal(['k%:1', 'k_:1', 'ka', 'kb:1', 'kb:10', 'kb:2', 'kc:1']);
    });

    it('pages through large namespaces', async () => {
        const kv = store.keyValueStore('big');
        const keys = Array.from({ length: 1234 }, (_, i) => `item:${String(i).padStart(5, '0')}`);
        await kv.setMany(keys.map(key => [key, { key }] as const));
        await store.keyValueStore('big').set('itez', 0);
        expect(await collect(kv.keys('item:'))).to.deep.equal(keys);
        const many = await kv.getMany(['item:00001', 'item:01000', 'missing']);
        expect([...many.entries()].sort()).to.deep.equal([
            ['item:00001', { key: 'item:00001' }],
            ['item:01000', { key: 'item:01000' }]
        ]);
        expect((await kv.getMany([])).size).to.equal(0);
    });

    it('writes setMany atomically', async () => {
        const kv = store.keyValueStore('ns');
        await kv.set('a', 'old');
        const entries = function* (): Generator<readonly [string, unknown]> {
            yield ['a', 'new'];
            yield ['b', 'new'];
            throw new Error('source failed half way');
        };
        let failure: unknown;
        await kv.setMany(entries()).catch(error => (failure = error));
        expect(String(failure)).to.contain('source failed half way');
        expect(await kv.get('a')).to.equal('old');
        expect(await kv.get('b')).to.equal(undefined);
    });
});
