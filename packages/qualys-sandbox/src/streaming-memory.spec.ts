import { expect } from 'chai';
import { get } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { QualysSandbox } from './qualys-sandbox.js';
import { basicAuth, HLD_PATH } from './test-client.spec.helper.js';

/** Returns a full-GC function when the runtime lets us expose one, else undefined. */
function exposeGc(): (() => void) | undefined {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (existing) return existing;
    try {
        setFlagsFromString('--expose-gc');
        return runInNewContext('gc') as () => void;
    } catch {
        return undefined;
    }
}

describe('streaming a very large HLD response', function () {
    this.timeout(60_000);

    it('streams 20,000 hosts x 25 detections without holding the document in memory', async () => {
        const sandbox = await QualysSandbox.start({ hosts: 20_000, detectionsPerHost: 25, resultsSize: 64 });
        const gc = exposeGc();
        try {
            gc?.();
            const baseline = process.memoryUsage().heapUsed;
            let peak = baseline;
            const sampler = setInterval(() => {
                gc?.();
                peak = Math.max(peak, process.memoryUsage().heapUsed);
            }, 150);
            const headers = {
                authorization: basicAuth(sandbox.credentials.username, sandbox.credentials.password),
                'x-requested-with': 'spec'
            };
            const { bytes, hosts } = await new Promise<{ bytes: number; hosts: number }>((resolve, reject) => {
                get(`${sandbox.url}${HLD_PATH}?action=list&truncation_limit=0`, { headers }, res => {
                    let total = 0;
                    let count = 0;
                    let tail = Buffer.alloc(0);
                    // Count `</HOST>` on raw buffers (carrying a few bytes across chunk edges) to keep the consumer tiny.
                    res.on('data', (chunk: Buffer) => {
                        total += chunk.length;
                        const view = Buffer.concat([tail, chunk]);
                        for (let at = view.indexOf('</HOST>'); at >= 0; at = view.indexOf('</HOST>', at + 7)) count++;
                        tail = view.subarray(Math.max(0, view.length - 6));
                    });
                    res.on('end', () => resolve({ bytes: total, hosts: count }));
                    res.on('error', reject);
                }).on('error', reject);
            });
            clearInterval(sampler);
            expect(hosts).to.equal(20_000);
            expect(bytes).to.be.greaterThan(300 * 1024 * 1024);
            expect(sandbox.requests.last('hld')).to.include({ hostsWritten: 20_000, completed: true });
            if (process.env.SANDBOX_SPEC_VERBOSE)
                console.log({ gc: Boolean(gc), growthMb: (peak - baseline) / 1e6, bytes });
            if (gc) expect(peak - baseline).to.be.lessThan(50 * 1024 * 1024);
        } finally {
            await sandbox.close();
        }
    });
});
