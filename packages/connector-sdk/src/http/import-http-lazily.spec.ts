import { execFileSync } from 'node:child_process';
import { expect } from 'chai';

/** What a fresh node process reports after running `body` (an ES module script that sets `result`). */
function inFreshProcess(body: string): Record<string, unknown> {
    const script =
        `const undiciLoaded = () => process.moduleLoadList.some(name => name.includes('undici'));` +
        `let result = {};\n${body}\nprocess.stdout.write(JSON.stringify(result));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    return JSON.parse(output) as Record<string, unknown>;
}

describe('importHttpLazily', () => {
    it("keeps undici unloaded while the SDK loads and POSTs a form, and leaves node:http's exports as they were", function () {
        this.timeout(20_000);
        const sdk = JSON.stringify(new URL('../index.js', import.meta.url).href);
        const result = inFreshProcess(`
            const { createRequire } = await import('node:module');
            const http = createRequire(import.meta.url)('node:http');
            const server = http.createServer((request, response) => {
                let body = '';
                request.on('data', chunk => (body += chunk));
                request.on('end', () => response.end('received ' + body));
            });
            await new Promise(listening => server.listen(0, '127.0.0.1', listening));
            const { GotHttpClientFactory, SystemClock } = await import(${sdk});
            const client = new GotHttpClientFactory({ clock: new SystemClock(), userAgent: 'spec' }).create({
                baseUrl: 'http://127.0.0.1:' + server.address().port
            });
            const response = await client.request({ method: 'POST', path: '/', form: { action: 'list', name: 'a b' } });
            server.close();
            const undici = undiciLoaded();
            const view = await import('node:http');
            result = {
                undici,
                body: response.body,
                exportKeys: ['WebSocket', 'CloseEvent', 'MessageEvent'].map(name => Object.keys(http).includes(name)),
                webSocket: typeof http.WebSocket,
                viewHasDefault: view.default === http
            };
        `);
        expect(result).to.deep.equal({
            undici: false,
            body: 'received action=list&name=a+b',
            exportKeys: [true, true, true],
            webSocket: 'function',
            viewHasDefault: true
        });
    });

    it('is still needed: importing got alone loads undici', function () {
        this.timeout(20_000);
        // If this fails, got no longer loads undici as it loads, and importHttpLazily can go.
        const got = JSON.stringify(import.meta.resolve('got'));
        expect(inFreshProcess(`await import(${got}); result = { undici: undiciLoaded() };`)).to.deep.equal({
            undici: true
        });
    });
});
