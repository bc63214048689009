import { searchableText } from '@signal-connectors/connector-sdk/testing';
import { expect } from 'chai';
import nock from 'nock';
import { QualysConnector } from '../qualys-connector.js';
import { answer, FakeQualys, ok, QUALYS_HOST, resetAfter } from '../test/fake-qualys.js';
import {
    drain,
    limiterRegistry,
    PASSWORD,
    pollHarness,
    type PollHarness,
    type PollOutcome,
    startPoll,
    testConfig,
    USERNAME
} from '../test/poll-harness.js';
import { hldPage, hostsRange, simpleReturn } from '../test/qualys-xml.js';

/** Everything a poll left behind that a person or a sink could read: the log, errors and artifacts. */
function everythingSaid(h: PollHarness, outcome: PollOutcome): string {
    const error = outcome.error as Error | undefined;
    return [
        h.logger.text(),
        searchableText(error),
        error?.stack ?? '',
        JSON.stringify(error) ?? '',
        String(error),
        JSON.stringify(outcome.batches)
    ].join('\n');
}

describe('pollQualys: logging', () => {
    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    afterEach(() => nock.cleanAll());

    it('logs the fetched counts once per poll at info, and each page at debug', async () => {
        const h = pollHarness();
        new FakeQualys(h.clock).on(
            'hld',
            ok(hldPage(hostsRange(100, 2, [1, 2]), { nextIdMin: 102 })),
            ok(hldPage(hostsRange(102, 1, [1])))
        );
        await drain(startPoll(testConfig({ truncationLimit: 2 }), undefined, h));

        const fetched = h.logger.entries.filter(entry => entry.message === 'qualys: fetched host detections');
        expect(fetched).to.have.length(1);
        expect(fetched[0].level).to.equal('info');
        expect(fetched[0].meta).to.deep.include({ pages: 2, hosts: 3, detections: 5 });
        const pages = h.logger.entries.filter(entry => entry.message === 'qualys: fetched host detection page');
        expect(pages.map(entry => [entry.level, entry.meta?.page])).to.deep.equal([
            ['debug', 1],
            ['debug', 2]
        ]);
        expect(h.logger.messages('info')).to.include('qualys: poll started');
    });

    it('never puts the password in a log line, an error or an artifact, whatever happens', async () => {
        const basic = Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64');
        const scenarios: [string, (qualys: FakeQualys) => void][] = [
            ['a bad login', qualys => qualys.on('hld', answer(401, simpleReturn(2000, 'Bad Login/Password')))],
            [
                'a reset, a 5xx and a throttle',
                qualys =>
                    qualys.on(
                        'hld',
                        resetAfter(hldPage(hostsRange(100, 2)).slice(0, 400)),
                        answer(502, '<html>Bad Gateway</html>', { 'Content-Type': 'text/html' }),
                        answer(409, simpleReturn(1960, 'This API cannot be run again until 1 currently running')),
                        ok(hldPage(hostsRange(100, 2)))
                    )
            ],
            ['a network failure', () => nock(QUALYS_HOST).post(/.*/).times(10).replyWithError('ECONNREFUSED')]
        ];
        for (const [what, script] of scenarios) {
            const h = pollHarness();
            script(new FakeQualys(h.clock));
            const outcome = await drain(new QualysConnector(limiterRegistry(h.clock)).poll(testConfig(), {}, h.ctx));
            // Each scenario ends somewhere that logs: a failure, or retries and a summary.
            expect(h.logger.messages('warn').length + h.logger.messages('error').length, what).to.be.above(0);
            const text = everythingSaid(h, outcome);
            expect(text, what).not.to.contain(PASSWORD);
            expect(text, what).not.to.contain(basic);
            expect(text, what).not.to.contain(encodeURIComponent(PASSWORD));
            nock.cleanAll();
        }
    });
});
