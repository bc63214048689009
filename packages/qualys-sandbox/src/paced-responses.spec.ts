import { expect } from 'chai';
import { QualysSandbox } from './qualys-sandbox.js';
import { basicAuth } from './test-client.spec.helper.js';

const HLD = '/api/2.0/fo/asset/host/vm/detection/?action=list&truncation_limit=0';

/** Reads one host detection answer; returns its size and how long the whole answer took. */
async function readAnswer(sandbox: QualysSandbox): Promise<{ bytes: number; ms: number }> {
    const started = performance.now();
    const res = await fetch(`${sandbox.url}${HLD}`, {
        headers: { authorization: basicAuth('sandbox_user', 'sandbox-password'), 'x-requested-with': 'spec' }
    });
    expect(res.status).to.equal(200);
    const bytes = (await res.arrayBuffer()).byteLength;
    return { bytes, ms: performance.now() - started };
}

describe('QualysSandbox bytesPerSec', () => {
    it('never streams an answer faster than the pace it was given', async () => {
        const sandbox = await QualysSandbox.start({ hosts: 30, detectionsPerHost: 6, bytesPerSec: 400_000 });
        try {
            const { bytes, ms } = await readAnswer(sandbox);
            expect(bytes).to.be.greaterThan(100_000);
            // A floor that only a missing pace breaks: a busy machine makes the answer slower, never faster.
            // The first 64 KB chunk may go out at once, hence the allowance of one chunk.
            expect(ms).to.be.at.least(((bytes - 64 * 1024) / 400_000) * 1000);
        } finally {
            await sandbox.close();
        }
    });

    it('serves the same answer paced as unpaced', async () => {
        const paced = await QualysSandbox.start({ hosts: 5, detectionsPerHost: 3, bytesPerSec: 1_000_000 });
        const unpaced = await QualysSandbox.start({ hosts: 5, detectionsPerHost: 3 });
        try {
            const [a, b] = await Promise.all([readAnswer(paced), readAnswer(unpaced)]);
            expect(a.bytes).to.equal(b.bytes);
        } finally {
            await Promise.all([paced.close(), unpaced.close()]);
        }
    });
});
