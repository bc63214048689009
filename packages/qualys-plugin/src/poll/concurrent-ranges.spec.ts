import { isStreamStatus, type PollItem, type StreamCheckpoints, SystemClock } from '@signal-connectors/connector-sdk';
import { createTestContext, InMemoryKeyValueStore } from '@signal-connectors/connector-sdk/testing';
import { QualysSandbox } from '@signal-connectors/qualys-sandbox';
import { expect } from 'chai';
import { QualysApiClient } from '../client/qualys-api-client.js';
import { SubscriptionLimiterRegistry } from '../client/subscription-limiter-registry.js';
import type { QualysConfig } from '../model/index.js';
import {
    checkpointsAfter,
    CONNECTOR_ID,
    detectionKeys,
    drain,
    lastCheckpoint,
    runSummaryOf,
    sandboxConfig
} from '../test/poll-harness.js';
import type { HostDetectionsCheckpoint, HostIdRangeCursor } from './qualys-checkpoint.js';
import { pollQualys, type PollTuning } from './qualys-poller.js';

const PASSWORD = 'R4nges-S3cret!pw';
const HOSTS = 90;

/** The ranges of the first checkpoint of a window (each range still at its start). */
function plannedRanges(items: readonly PollItem[]): HostIdRangeCursor[] {
    const first = items.find(item => !isStreamStatus(item) && item.stream === 'host_detections');
    if (first === undefined || isStreamStatus(first)) throw new Error('no host_detections batch');
    const ranges = (first.checkpoint as HostDetectionsCheckpoint).window?.ranges ?? [];
    return ranges.map(({ idMin, idMax }) => ({
        ...(idMin === undefined ? {} : { idMin }),
        ...(idMax === undefined ? {} : { idMax })
    }));
}

/** Checks that `ranges` are ascending, adjacent and open at both ends: every host id is in exactly one. */
function expectCoveringRanges(ranges: readonly HostIdRangeCursor[], count: number): void {
    expect(ranges).to.have.length(count);
    expect(ranges[0].idMin).to.equal(undefined);
    expect(ranges.at(-1)?.idMax).to.equal(undefined);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i].idMin).to.equal(ranges[i - 1].idMax! + 1);
}

describe('pollQualys: host id ranges read side by side against the sandbox', () => {
    let sandbox: QualysSandbox;
    let store: InMemoryKeyValueStore;
    const clock = new SystemClock();

    const configOf = (settings: Record<string, unknown> = {}): QualysConfig => {
        return sandboxConfig(sandbox, PASSWORD, {
            scans: false,
            hostReconciliation: false,
            truncationLimit: 8,
            ...settings
        });
    };

    /** A poll as the connector makes it: the client draws from the subscription's shared limiter. */
    const startPoll = (
        config: QualysConfig,
        checkpoints: StreamCheckpoints = {},
        registry = new SubscriptionLimiterRegistry(clock),
        tuning: Partial<PollTuning> = {}
    ): AsyncGenerator<PollItem> => {
        const ctx = createTestContext({ connectorId: CONNECTOR_ID, instanceId: 'qualys-ranges', clock, store });
        const limiter = registry.forSubscription(config.baseUrl, config.username);
        const api = new QualysApiClient(config, {
            http: ctx.http,
            logger: ctx.logger,
            rateLimitPolicy: limiter,
            limits: limiter,
            clock
        });
        return pollQualys(config, checkpoints, ctx, api, { minHostsPerRange: 10, chunkHosts: 4, ...tuning });
    };

    const refusals = (): number => sandbox.requests.count(undefined, request => request.code === 1960);
    const everything = (): string[] =>
        [...sandbox.tenant.expectedDetections({})].map(d => `${d.hostId}:${d.uniqueVulnId}`).sort();

    before(async () => {
        sandbox = await QualysSandbox.start({
            wallClock: true,
            startTime: new Date(Date.now() - 3_600_000),
            hosts: HOSTS,
            detectionsPerHost: 3,
            resultsSize: 50,
            kbSize: 40,
            password: PASSWORD,
            // Answers paced, so that calls of different ranges really run at the same time.
            bytesPerSec: 400_000,
            rateLimit: { concurrency: 4, limit: 100_000 }
        });
    });
    after(() => sandbox.close());
    beforeEach(() => {
        store = new InMemoryKeyValueStore();
        sandbox.requests.clear();
        sandbox.limits.reset();
    });

    it('splits a first sync by the host list, delivers every detection once, within the limit, then splits the next by what it delivered', async () => {
        // Limit 4: one slot is kept free, so three ranges.
        const config = configOf({ maxConcurrentPages: 8 });
        const first = await drain(startPoll(config));

        expect(first.error).to.equal(undefined);
        expect(sandbox.requests.all('hosts').map(request => request.params.details)).to.deep.equal(['None']);
        const ranges = plannedRanges(first.items);
        expectCoveringRanges(ranges, 3);
        expect(detectionKeys(first.items)).to.deep.equal(everything());
        const hld = sandbox.requests.all('hld');
        for (const range of ranges.slice(0, -1)) {
            expect(hld.filter(request => request.params.id_max === String(range.idMax))).to.not.have.length(0);
        }
        expect(refusals()).to.equal(0);
        expect(sandbox.limits.snapshot().hld.peakRunning).to.equal(3);
        const checkpoint = lastCheckpoint(first.items);
        expect(checkpoint).to.deep.include({ version: 3, watermark: runSummaryOf(first.items).window?.before });
        expect(checkpoint).to.include({ concurrencyLimit: 4 });
        expect(checkpoint.window).to.equal(undefined);
        expect(checkpoint.hostIds?.count).to.equal(new Set(everything().map(key => key.split(':')[0])).size);

        sandbox.advance({ rescanHostIds: [sandbox.tenant.hostIdAt(2), sandbox.tenant.hostIdAt(80)] });
        sandbox.requests.clear();
        const second = await drain(startPoll(config, checkpointsAfter(first.items)));

        expect(second.error).to.equal(undefined);
        expect(sandbox.requests.count('hosts'), 'split by the sample, without the host list').to.equal(0);
        expectCoveringRanges(plannedRanges(second.items), 3);
        const window = runSummaryOf(second.items).window;
        const changed = [
            ...sandbox.tenant.expectedDetections({ vmProcessedAfter: window?.after, vmProcessedBefore: window?.before })
        ];
        expect(detectionKeys(second.items)).to.deep.equal(changed.map(d => `${d.hostId}:${d.uniqueVulnId}`).sort());
        expect(refusals()).to.equal(0);
    });

    it('uses both slots of a limit of 2 and no more, delivering every detection once', async () => {
        const config = configOf({ maxConcurrentPages: 4 });
        const registry = new SubscriptionLimiterRegistry(clock);
        // The limiter already heard Qualys say 2 (an earlier call of this subscription).
        registry.forSubscription(config.baseUrl, config.username).review({
            endpoint: 'host_detection',
            status: 200,
            headers: { 'x-concurrency-limit-limit': '2' }
        });
        const outcome = await drain(startPoll(config, {}, registry));

        expect(outcome.error).to.equal(undefined);
        expectCoveringRanges(plannedRanges(outcome.items), 2);
        expect(detectionKeys(outcome.items)).to.deep.equal(everything());
        expect(refusals()).to.equal(0);
        expect(sandbox.limits.snapshot().hld.peakRunning).to.equal(2);
    });

    it('resumes every range where an aborted poll stopped, with the saved ranges when the setting changed', async () => {
        const killedConsumer: string[] = [];
        let checkpoint: HostDetectionsCheckpoint | undefined;
        for await (const item of startPoll(configOf({ maxConcurrentPages: 2 }))) {
            if (isStreamStatus(item) || item.stream !== 'host_detections') continue;
            killedConsumer.push(...detectionKeys([item]));
            checkpoint = item.checkpoint as HostDetectionsCheckpoint;
            // Stop half-way, as a crash would: what was delivered is what the checkpoint says.
            if (killedConsumer.length >= everything().length / 2) break;
        }
        const saved = checkpoint?.window?.ranges ?? [];
        expect(saved).to.have.length(2);
        expect(
            saved.some(range => range.nextIdMin !== undefined),
            'a range got part of the way'
        ).to.equal(true);
        expect(
            saved.some(range => range.done !== true),
            'a range was left'
        ).to.equal(true);
        sandbox.requests.clear();
        sandbox.limits.reset();

        // Resumed with one page at a time: the two saved ranges are still the ranges, read one after the other.
        const stored = JSON.parse(JSON.stringify({ host_detections: checkpoint })) as StreamCheckpoints;
        const resumed = await drain(startPoll(configOf({ maxConcurrentPages: 1 }), stored));

        expect(resumed.error).to.equal(undefined);
        expect(sandbox.requests.count('hosts')).to.equal(0);
        const requests = sandbox.requests.all('hld');
        for (const range of saved.filter(cursor => cursor.done !== true)) {
            const start = range.nextIdMin ?? range.idMin;
            const firstOfRange = requests.find(
                request => request.params.id_max === (range.idMax === undefined ? undefined : String(range.idMax))
            );
            expect(firstOfRange?.params.id_min).to.equal(start === undefined ? undefined : String(start));
        }
        expect(sandbox.limits.snapshot().hld.peakRunning).to.equal(1);
        const all = [...killedConsumer, ...detectionKeys(resumed.items)].sort();
        expect(all, 'every detection exactly once across the two polls').to.deep.equal(everything());
        const resumedFrom = runSummaryOf(resumed.items).resumedFrom;
        expect(resumedFrom?.ranges, 'the summary shows where every range went on').to.deep.equal(saved);
        expect(resumedFrom?.nextIdMin).to.equal(saved.find(range => range.done !== true)?.nextIdMin);
        expect(lastCheckpoint(resumed.items)).to.include({ watermark: checkpoint?.window?.before });
    });

    it('reads one range, page after page, with the setting at 1 or a limit of 1', async () => {
        const sequential = await drain(startPoll(configOf({ maxConcurrentPages: 1 })));

        expect(sequential.error).to.equal(undefined);
        expect(sandbox.requests.count('hosts')).to.equal(0);
        const hld = sandbox.requests.all('hld');
        expect(hld.every(request => request.params.id_max === undefined)).to.equal(true);
        expect(hld).to.have.length(Math.ceil(new Set(everything().map(key => key.split(':')[0])).size / 8));
        expect(sandbox.limits.snapshot().hld.peakRunning).to.equal(1);
        expect(detectionKeys(sequential.items)).to.deep.equal(everything());
        expect(lastCheckpoint(sequential.items).hostIds?.count).to.be.greaterThan(0);

        // A checkpoint remembering a limit of 1 (an Express subscription): one range, before any call said it again.
        sandbox.requests.clear();
        sandbox.limits.reset();
        const express = await drain(
            startPoll(configOf({ maxConcurrentPages: 4 }), { host_detections: { version: 3, concurrencyLimit: 1 } })
        );
        expect(express.error).to.equal(undefined);
        expect(sandbox.requests.count('hosts')).to.equal(0);
        expect(plannedRanges(express.items)).to.deep.equal([{}]);
        expect(sandbox.limits.snapshot().hld.peakRunning).to.equal(1);
        expect(detectionKeys(express.items)).to.deep.equal(everything());
    });
});
