import { expect } from 'chai';
import { ENTITY_PAYLOAD, type HostileFault } from '@signal-connectors/qualys-sandbox';
import {
    E2eEnvironment,
    FINDING_TYPE,
    findingKeyList,
    runSummaries,
    scanRefList,
    unexplainedQids,
    type MeasuredPoll
} from './e2e-harness.spec.helper.js';
import { startFaultScene } from './fault-scenario.spec.helper.js';

const MIB = 1024 * 1024;
/** The size of the huge hostile payloads: a poll that held one whole would pass this bound on its own. */
const HUGE_MB = 256;
/** What a poll may use at its peak whatever the response: well under a 512 MB container. */
const MEMORY_BOUND = HUGE_MB * MIB;

/** Asserts one poll completed, delivered every detection exactly once and stayed within the memory bound. */
async function expectDelivered(e2e: E2eEnvironment, poll: MeasuredPoll): Promise<void> {
    const { result } = poll;
    const output = result.stdout + result.stderr;
    expect(result.code, output).to.equal(0);
    expect(output, 'no stack trace').to.not.match(/^\s+at .+:\d+:\d+\)?$/m);
    expect(poll.peakRssBytes, `peak RSS ${Math.round(poll.peakRssBytes / MIB)} MiB`).to.be.below(MEMORY_BOUND);
    const artifacts = await e2e.artifacts();
    const keys = findingKeyList(artifacts);
    expect(new Set(keys), 'every detection delivered').to.deep.equal(e2e.expectedKeys());
    expect(keys, 'none twice').to.have.length(new Set(keys).size);
    const [summary] = runSummaries(artifacts);
    expect(summary.outcome).to.equal('complete');
    expect(summary.nextWatermark, 'the window completed').to.equal(summary.window?.before);
}

describe('e2e: signal-client poll survives hostile host detection responses', function () {
    // A 256 MB response takes a few seconds to stream and scan on a busy machine.
    this.timeout(120_000);
    let e2e: E2eEnvironment | undefined;

    afterEach(async () => {
        await e2e?.close();
        e2e = undefined;
    });

    /** Injects `fault` into the 2nd host detection page (mid-window) and polls once, measured. */
    async function pollThrough(fault: HostileFault): Promise<MeasuredPoll> {
        e2e = await startFaultScene();
        e2e.sandbox.faults.inject({ ...fault, endpoint: 'hld', onRequest: 2 });
        const poll = await e2e.measuredPoll();
        expect(e2e.sandbox.faults.fired().map(fired => fired.type)).to.deep.equal([fault.type]);
        return poll;
    }

    for (const type of ['entity-declarations', 'external-entity'] as const) {
        it(`${type}: refuses the page instead of taking it for the last one, reads it again, expands nothing`, async () => {
            const poll = await pollThrough({ type });
            await expectDelivered(e2e!, poll);

            const [, faulted, again] = e2e!.sandbox.requests.all('hld');
            expect(faulted.fault).to.equal(type);
            expect(again.params.id_min, 'the same page, within the same poll').to.equal(faulted.params.id_min);
            const artifacts = await e2e!.artifacts();
            const text = JSON.stringify(artifacts);
            expect(text).to.not.contain(ENTITY_PAYLOAD).and.not.contain('&lol').and.not.contain('root:x:0');
            expect(runSummaries(artifacts)[0].retries).to.be.at.least(1);
            expect(poll.result.stderr).to.contain('declares its own DTD');
        });
    }

    it('deep-nesting: refuses the page with a clear message and reads it again, no stack overflow', async () => {
        const poll = await pollThrough({ type: 'deep-nesting', depth: 100_000 });
        await expectDelivered(e2e!, poll);
        expect(poll.result.stderr).to.contain('elements nested deeper than 64 levels');
        expect(poll.result.stderr).to.not.contain('Maximum call stack size exceeded');
        expect(e2e!.sandbox.requests.count('hld')).to.equal(4);
    });

    it(`huge-text: cuts a ${HUGE_MB} MB RESULTS, says so in the finding, and delivers the rest of the page`, async () => {
        const poll = await pollThrough({ type: 'huge-text', sizeMb: HUGE_MB });
        await expectDelivered(e2e!, poll);
        expect(e2e!.sandbox.requests.count('hld'), 'nothing read twice').to.equal(3);
        const cut = (await e2e!.artifacts())
            .filter(artifact => artifact.type === FINDING_TYPE)
            .map(
                artifact => (artifact.data as { unmapped: { qualys: { detection: Record<string, unknown> } } }).unmapped
            )
            .map(unmapped => unmapped.qualys.detection.resultsCut)
            .filter(flag => flag !== undefined);
        expect(cut).to.deep.equal([{ keptLength: 256 * 1024, originalLength: HUGE_MB * MIB }]);
    });

    it(`huge-skipped: reads past a ${HUGE_MB} MB unknown element without holding it`, async () => {
        const poll = await pollThrough({ type: 'huge-skipped', sizeMb: HUGE_MB });
        await expectDelivered(e2e!, poll);
        expect(e2e!.sandbox.requests.count('hld'), 'nothing read twice').to.equal(3);
    });
});

describe('e2e: signal-client poll survives hostile KnowledgeBase and scan list responses', function () {
    this.timeout(120_000);
    let e2e: E2eEnvironment | undefined;

    afterEach(async () => {
        await e2e?.close();
        e2e = undefined;
    });

    it('a KnowledgeBase answer that declares entities: refused, asked again, every finding enriched', async () => {
        e2e = await startFaultScene();
        e2e.sandbox.faults.inject({ type: 'entity-declarations', endpoint: 'kb', onRequest: 1 });
        const poll = await e2e.measuredPoll();
        await expectDelivered(e2e, poll);
        const [faulted, again] = e2e.sandbox.requests.all('kb');
        expect(faulted.fault).to.equal('entity-declarations');
        expect(again.params.ids).to.equal(faulted.params.ids);
        const artifacts = await e2e.artifacts();
        expect(unexplainedQids(artifacts)).to.deep.equal([]);
        expect(JSON.stringify(artifacts)).to.not.contain(ENTITY_PAYLOAD);
    });

    it('a KnowledgeBase answer nested 100,000 deep: refused with a clear message, asked again', async () => {
        e2e = await startFaultScene();
        e2e.sandbox.faults.inject({ type: 'deep-nesting', endpoint: 'kb', onRequest: 1 });
        const poll = await e2e.measuredPoll();
        await expectDelivered(e2e, poll);
        expect(poll.result.stderr).to.contain('elements nested deeper than 64 levels');
        expect(unexplainedQids(await e2e.artifacts())).to.deep.equal([]);
    });

    it(`a ${HUGE_MB} MB scan list: read no further than its bound, asked again, every recent scan delivered`, async () => {
        e2e = await startFaultScene();
        e2e.sandbox.faults.inject({ type: 'huge-skipped', endpoint: 'scans', sizeMb: HUGE_MB });
        const poll = await e2e.measuredPoll();
        await expectDelivered(e2e, poll);
        expect(poll.result.stderr).to.contain('exceeds maxResponseBytes (16 MiB)');
        expect(new Set(scanRefList(await e2e.artifacts()))).to.deep.equal(e2e.recentScanRefs());
    });
});
