import type { StreamCheckpoints } from '@signal-connectors/connector-sdk';
import { createTestContext, InMemoryKeyValueStore } from '@signal-connectors/connector-sdk/testing';
import { expect } from 'chai';
import type { QualysConfig } from '../model/index.js';
import type { QualysConnector } from '../qualys-connector.js';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import { instanceConnector, pluginContainers } from '../test/plugin-container.js';
import {
    checkpointsAfter,
    CONNECTOR_ID,
    detectionKeys,
    drain,
    lastCheckpoint,
    runSummaryOf,
    sandboxConfig
} from '../test/poll-harness.js';
import { toQualysTime } from '../model/qualys-time.js';

const PASSWORD = 'Incr3mental-S3cret!pw';
const OVERLAP_MS = 15 * 60_000;

/** The same keys for what the tenant says a request with `filter` must return. */
function expectedKeys(sandbox: QualysSandbox, filter: Parameters<QualysSandbox['tenant']['expectedDetections']>[0]) {
    return [...sandbox.tenant.expectedDetections(filter)].map(d => `${d.hostId}:${d.uniqueVulnId}`).sort();
}

describe('pollQualys: incremental polls against the sandbox', () => {
    let sandbox: QualysSandbox;
    let connector: QualysConnector;
    let config: QualysConfig;
    // Shared by both polls, as the host's plugin store is: the KnowledgeBase cache carries over.
    const pluginStore = new InMemoryKeyValueStore();
    const poll = (checkpoints: StreamCheckpoints = {}) =>
        drain(
            connector.poll(
                config,
                checkpoints,
                createTestContext({ connectorId: CONNECTOR_ID, instanceId: 'qualys-sandbox', pluginStore })
            )
        );

    before(async () => {
        sandbox = await QualysSandbox.start({
            wallClock: true,
            // Started an hour back: an advance() in the same second as the start would otherwise put the re-scans
            // at the very second the next poll's window ends (vm_processed_before is exclusive).
            startTime: new Date(Date.now() - 3_600_000),
            hosts: 40,
            detectionsPerHost: 4,
            resultsSize: 40,
            kbSize: 60,
            scans: 4,
            password: PASSWORD
        });
        config = sandboxConfig(sandbox, PASSWORD, {
            truncationLimit: 7,
            windowOverlap: '15m'
        });
        connector = instanceConnector((await pluginContainers()).plugin, 'qualys-sandbox');
    });
    after(() => sandbox.close());

    it('delivers the whole tenant, then exactly the detections of the hosts processed since', async () => {
        const first = await poll();
        expect(first.error).to.equal(undefined);
        const everything = expectedKeys(sandbox, {});
        expect(detectionKeys(first.batches)).to.deep.equal(everything);
        expect(sandbox.requests.count('hld')).to.equal(Math.ceil(40 / 7));
        const checkpoint = lastCheckpoint(first.batches);
        expect(checkpoint.watermark).to.equal(runSummaryOf(first.batches).window?.before);
        expect(Object.keys(first.statuses)).to.deep.equal([
            'knowledge_base',
            'scans',
            // host_detections reports last: the run summary goes out as its last batch.
            'host_reconciliation',
            'host_detections'
        ]);

        const forced = [sandbox.tenant.hostIdAt(3), sandbox.tenant.hostIdAt(31)];
        const advance = sandbox.advance({ rescanHostIds: forced });
        sandbox.requests.clear();
        const second = await poll(checkpointsAfter(first.items));

        expect(second.error).to.equal(undefined);
        const window = runSummaryOf(second.batches).window;
        expect(window?.after).to.equal(toQualysTime(Date.parse(checkpoint.watermark ?? '') - OVERLAP_MS));
        expect(sandbox.requests.first('hld')?.params).to.include({
            vm_processed_after: window?.after,
            vm_processed_before: window?.before
        });
        const delivered = detectionKeys(second.batches);
        expect(delivered).to.deep.equal(
            expectedKeys(sandbox, { vmProcessedAfter: window?.after, vmProcessedBefore: window?.before })
        );
        const hosts = new Set(delivered.map(key => Number(key.split(':')[0])));
        expect([...hosts]).to.include.members(forced);
        expect(hosts.size).to.be.at.least(advance.rescannedHosts);
        expect(hosts.size).to.be.below(40);
        expect(delivered.length).to.be.below(everything.length);
    });
});
