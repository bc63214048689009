import { Readable } from 'node:stream';
import { expect } from 'chai';
import { drain, pollHarness, testConfig } from '../test/poll-harness.js';
import { hldPage, scanList } from '../test/qualys-xml.js';
import type { QualysPollApi } from './qualys-poll-run.js';
import { pollQualys } from './qualys-poller.js';

/** An API whose host detection page is sent only once the scan list was asked for; it records the calls in order. */
function scanGatedApi(): { api: QualysPollApi; calls: string[] } {
    const calls: string[] = [];
    let scanListAsked: () => void = () => undefined;
    const asked = new Promise<void>(resolve => {
        scanListAsked = resolve;
    });
    const api: QualysPollApi = {
        streamHostDetections: async () => {
            calls.push('host detections: asked');
            // A slow page: its body only comes once the scan list call is under way (or it would never come).
            const body = async function* (): AsyncGenerator<string> {
                await Promise.race([asked, new Promise(resolve => setTimeout(resolve, 2000).unref())]);
                calls.push('host detections: sent');
                yield hldPage([{ id: 101, detections: [{ qid: 38170 }] }]);
            };
            return Readable.from(body());
        },
        fetchScanList: async () => {
            calls.push('scan list: asked');
            scanListAsked();
            return scanList([
                { ref: 'scan/1715637600.41277', state: 'Finished', launched: '2024-05-13T22:00:00Z', processed: true }
            ]);
        },
        fetchKnowledgeBase: () => Promise.reject(new Error('not scripted')),
        fetchHostList: () => Promise.reject(new Error('not scripted')),
        callStats: () => ({ calls: {}, throttled: 0, retries: 0 })
    };
    return { api, calls };
}

describe('pollQualys: the scan list beside the host detections', () => {
    it('asks for the scan list while a host detection page is still coming, and delivers the scans after it', async () => {
        const { api, calls } = scanGatedApi();
        const h = pollHarness({ autoAdvance: false });
        const outcome = await drain(pollQualys(testConfig({ scans: true }), {}, h.ctx, api));

        expect(outcome.error).to.equal(undefined);
        expect([...calls].sort()).to.deep.equal([
            'host detections: asked',
            'host detections: sent',
            'scan list: asked'
        ]);
        expect(calls.indexOf('scan list: asked')).to.be.lessThan(calls.indexOf('host detections: sent'));
        const delivered = outcome.batches.flatMap(batch => batch.artifacts.map(artifact => artifact.type));
        expect(delivered.indexOf('qualys.scan')).to.be.greaterThan(delivered.indexOf('ocsf.vulnerability_finding'));
        expect(delivered.indexOf('ocsf.vulnerability_finding')).to.not.equal(-1);
    });
});
