import { isStreamStatus, type PollBatch, type PollItem } from '@signal-connectors/connector-sdk';
import { expect } from 'chai';
import nock from 'nock';
import { QualysConnector } from '../qualys-connector.js';
import { answer, FakeQualys, ok } from '../test/fake-qualys.js';
import { findingKeys, limiterRegistry, pollHarness, startPoll, testConfig, until } from '../test/poll-harness.js';
import { hldPage, hostsRange, simpleReturn } from '../test/qualys-xml.js';

/** Pulls the rest of an aborted poll: the batches it still yielded, and whether it ended (or threw) in time. */
async function rest(poll: AsyncIterator<PollItem>): Promise<{ batches: PollBatch[]; ms: number }> {
    const started = performance.now();
    const batches: PollBatch[] = [];
    try {
        for (let next = await poll.next(); !next.done; next = await poll.next())
            if (!isStreamStatus(next.value)) batches.push(next.value);
    } catch {
        // Ending with an error is a fine way to stop.
    }
    return { batches, ms: performance.now() - started };
}

describe('pollQualys: abort', () => {
    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    afterEach(() => nock.cleanAll());

    it('yields no further batch once its signal aborts mid-page', async () => {
        const h = pollHarness();
        new FakeQualys(h.clock).on(
            'hld',
            ok(hldPage(hostsRange(100, 10), { nextIdMin: 110 })),
            ok(hldPage(hostsRange(110, 10)))
        );
        const poll = startPoll(testConfig({ truncationLimit: 10 }), undefined, h, { chunkHosts: 2 });
        let first = await poll.next();
        while (!first.done && findingKeys([first.value]).length === 0) first = await poll.next();
        expect(findingKeys(first.done ? [] : [first.value])).to.have.length(2);

        // The rest of the page is already read and parsed: the poll must still not hand out more of it.
        h.controller.abort();
        const { batches, ms } = await rest(poll);

        expect(batches).to.deep.equal([]);
        expect(ms).to.be.below(500);
    });

    it('stops promptly when aborted during a throttle wait', async () => {
        const h = pollHarness({ autoAdvance: false });
        new FakeQualys(h.clock).on(
            'hld',
            answer(409, simpleReturn(1965, 'This API cannot be run again for another 10 minutes.'), {
                'X-RateLimit-ToWait-Sec': '600'
            })
        );
        const polling = new QualysConnector(limiterRegistry(h.clock)).poll(testConfig(), {}, h.ctx);
        const poll = polling[Symbol.asyncIterator]();
        const pending = rest(poll);
        await until(() => h.clock.pendingSleeps > 0, 'the throttle wait');

        h.controller.abort();
        const { batches, ms } = await pending;
        expect(batches).to.deep.equal([]);
        expect(ms).to.be.below(500);
    });
});
