import { Readable } from 'node:stream';
import type { ConnectorError, ConnectorErrorKind } from '@signal-connectors/connector-sdk';
import { expect } from 'chai';
import nock from 'nock';
import type { ParsedHost } from '../model/index.js';
import { QualysConnector } from '../qualys-connector.js';
import { answer, FakeQualys, ok, resetAfter, type ScriptedReply } from '../test/fake-qualys.js';
import {
    drain,
    findingKeys,
    lastCheckpoint,
    limiterRegistry,
    pollError,
    pollHarness,
    type PollHarness,
    type PollOutcome,
    runSummaryOf,
    startPoll,
    testConfig
} from '../test/poll-harness.js';
import { hldPage, hostsRange, simpleReturn, truncatedHldPage } from '../test/qualys-xml.js';
import { type HostChunk, type HostDetectionPagerOptions, pageHostDetections } from './host-detection-pager.js';

const HTML = { 'Content-Type': 'text/html' };

/**
 * Asserts the poll ended with a run summary as its last batch, naming the error, then the failed status of
 * host_detections. `failed` when no other stream ran, `partial` when another completed.
 */
function expectFailedSummary(outcome: PollOutcome, kind: ConnectorErrorKind, result = 'failed'): void {
    const last = outcome.batches.at(-1);
    expect(last?.artifacts.map(artifact => artifact.type)).to.deep.equal(['qualys.run_summary']);
    expect(outcome.items.at(-1)).to.deep.include({ stream: 'host_detections', status: 'failed' });
    const summary = runSummaryOf(outcome.batches);
    expect(summary.outcome).to.equal(result);
    expect(summary.error?.kind).to.equal(kind);
    expect(summary.error?.message).to.match(/^stream 'host_detections' failed: /);
    expect(summary.streams.host_detections).to.deep.include({ outcome: 'failed' });
}

describe('pollQualys: errors and statuses through a whole poll', () => {
    let h: PollHarness;
    let qualys: FakeQualys;

    /** A poll through the connector, so the shared limiter judges every response as it would in production. */
    const connectorPoll = (settings: Record<string, unknown> = {}) =>
        new QualysConnector(limiterRegistry(h.clock)).poll(testConfig(settings), {}, h.ctx);

    before(() => nock.disableNetConnect());
    after(() => nock.enableNetConnect());
    beforeEach(() => {
        h = pollHarness();
        qualys = new FakeQualys(h.clock);
    });
    afterEach(() => nock.cleanAll());

    const fatal: [string, ScriptedReply, ConnectorErrorKind][] = [
        [
            'a SIMPLE_RETURN 2001 (expired account) on HTTP 200',
            ok(simpleReturn(2001, 'This account has expired.')),
            'auth'
        ],
        ['HTTP 401 with code 2000', answer(401, simpleReturn(2000, 'Bad Login/Password')), 'auth'],
        ['HTTP 403', answer(403, '<html><body>Forbidden</body></html>', HTML), 'permission'],
        ['HTTP 404 (a host without the API)', answer(404, '<html><body>Not Found</body></html>', HTML), 'not_found'],
        [
            'HTTP 409 with code 2003 (registration not completed)',
            answer(409, simpleReturn(2003, 'Registration must be completed before API requests will be served')),
            'auth'
        ]
    ];
    for (const [what, reply, kind] of fatal) {
        it(`fails with ${kind} on ${what}, without retrying`, async () => {
            qualys.on('hld', reply, ok(hldPage(hostsRange(100, 1))));
            const outcome = await drain(connectorPoll());

            expect(pollError(outcome).kind).to.equal(kind);
            expect(qualys.forms('hld')).to.have.length(1);
            expectFailedSummary(outcome, kind);
            expect(lastCheckpoint(outcome.batches).watermark).to.equal(undefined);
            expect(h.logger.messages('warn')).to.include(
                `Stream host_detections failed (${kind}): ${pollError(outcome).message}`
            );
        });
    }

    it('retries a 5xx answer and completes', async () => {
        qualys.on(
            'hld',
            answer(503, simpleReturn(1999, 'We are performing scheduled maintenance on our System')),
            answer(502, '<html><body>Bad Gateway</body></html>', HTML),
            ok(hldPage(hostsRange(100, 2)))
        );
        const outcome = await drain(connectorPoll());

        expect(outcome.error).to.equal(undefined);
        expect(findingKeys(outcome.batches)).to.have.length(2);
        expect(qualys.forms('hld')).to.have.length(3);
        const summary = runSummaryOf(outcome.batches);
        expect(summary).to.include({ outcome: 'complete', retries: 2 });
    });

    it('retries a page whose connection is reset half-way from the first host not yet delivered', async () => {
        const page = hldPage(hostsRange(100, 5));
        // The connection drops inside host 103: hosts 100-101 went out as a chunk, 102 was read but not delivered.
        const cut = page.slice(0, page.indexOf('<ID>103</ID>'));
        qualys.on('hld', resetAfter(cut), ok(hldPage(hostsRange(102, 3))));
        const outcome = await drain(startPoll(testConfig(), undefined, h, { chunkHosts: 2 }));

        expect(outcome.error).to.equal(undefined);
        const forms = qualys.forms('hld');
        expect(forms).to.have.length(2);
        expect(forms[0]).not.to.have.property('id_min');
        expect(forms[1]).to.include({ id_min: '102' });
        expect(findingKeys(outcome.batches)).to.deep.equal(hostsRange(100, 5).map(host => `${host.id}:38794`));
        expect(h.logger.messages('warn')).to.include('qualys: host detection page failed, retrying');
    });

    it('retries a truncated page a bounded number of times, then fails with protocol after the delivered hosts', async () => {
        const truncated = ok(truncatedHldPage(hostsRange(102, 3), 2));
        qualys.on(
            'hld',
            ok(hldPage(hostsRange(100, 2), { nextIdMin: 102 })),
            truncated,
            truncated,
            truncated,
            truncated
        );
        const outcome = await drain(
            startPoll(testConfig({ truncationLimit: 2 }), undefined, h, { maxPageAttempts: 4 })
        );

        const error = pollError(outcome);
        expect(error.kind).to.equal('protocol');
        expect(error.message).to.match(/truncated/);
        const forms = qualys.forms('hld');
        expect(forms).to.have.length(5);
        expect(forms.slice(1).map(form => form.id_min)).to.deep.equal(['102', '102', '102', '102']);
        expect(findingKeys(outcome.batches)).to.deep.equal(['100:38794', '101:38794']);
        expect(lastCheckpoint(outcome.batches).window?.ranges[0].nextIdMin).to.equal(102);
        expect(lastCheckpoint(outcome.batches).watermark).to.equal(undefined);
        expectFailedSummary(outcome, 'protocol');
    });

    it('reads a page that declares entities again within the same poll, and moves the watermark only then', async () => {
        // Qualys never sends an internal subset; a page that does is refused, not taken as the final page.
        const hostile = hldPage(hostsRange(100, 1)).replace(
            /<!DOCTYPE[^>]*>/,
            '<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        );
        qualys.on('hld', ok(hostile), ok(hldPage(hostsRange(100, 3))));
        const outcome = await drain(startPoll(testConfig(), undefined, h));

        expect(outcome.error).to.equal(undefined);
        expect(findingKeys(outcome.batches)).to.deep.equal(['100:38794', '101:38794', '102:38794']);
        expect(qualys.forms('hld')).to.have.length(2);
        expect(lastCheckpoint(outcome.batches).watermark).to.equal('2024-05-14T10:00:00Z');
        expect(runSummaryOf(outcome.batches)).to.include({ outcome: 'complete', retries: 1 });
        const warning = h.logger.entries.find(
            entry => entry.message === 'qualys: host detection page failed, retrying'
        );
        expect(JSON.stringify(warning?.meta)).to.contain('declares its own DTD');
    });

    /** The pager straight over the answers `page` gives (one page of hosts 100 on), with the options a test adds. */
    function pager<H = ParsedHost>(
        page: () => Readable,
        options: Partial<HostDetectionPagerOptions<H>> = {}
    ): AsyncGenerator<HostChunk<H>> {
        return pageHostDetections<H>({
            streamHostDetections: async () => page(),
            baseParams: {},
            window: { before: '2024-05-14T10:00:00Z' },
            signal: h.controller.signal,
            clock: h.clock,
            logger: h.logger,
            chunkHosts: 100,
            chunkDetections: 1000,
            maxAttempts: 1,
            ...options
        });
    }

    /** A page of `count` hosts whose detections carry 3,000 characters of RESULTS each. */
    function longResultsPage(count: number): Readable {
        const results = 'r'.repeat(3000);
        const hosts = hostsRange(100, count).map(host => ({
            ...host,
            detections: host.detections.map(detection => ({ ...detection, results }))
        }));
        return Readable.from([Buffer.from(hldPage(hosts))]);
    }

    it('reads a page again when reading it fails with something other than a ConnectorError', async () => {
        const chunks: unknown[][] = [[42], [Buffer.from(hldPage(hostsRange(100, 2)))]];
        const pages = pager(() => Readable.from(chunks.shift() ?? []), { maxAttempts: 2 });
        const hosts: number[] = [];
        for await (const chunk of pages) hosts.push(...chunk.hosts.map(parsed => parsed.host.id));

        expect(hosts).to.deep.equal([100, 101]);
        const warning = h.logger.entries.find(
            entry => entry.message === 'qualys: host detection page failed, retrying'
        );
        const error = (warning?.meta as { error: ConnectorError }).error;
        expect(error.kind).to.equal('protocol');
        expect(error.message).to.match(/^host detection page 1 could not be read \(TypeError: /);
    });

    it('closes a chunk early when long RESULTS pile up, so memory stays flat', async () => {
        const pages = pager(() => longResultsPage(6), { chunkResultsChars: 5000 });
        const sizes: number[] = [];
        for await (const chunk of pages) sizes.push(chunk.hosts.length);
        expect(sizes).to.deep.equal([2, 2, 2, 0]);
    });

    it('keeps what it is told to of each host, with the chunks bounded by the hosts as parsed', async () => {
        const pages = pager(() => longResultsPage(5), {
            chunkResultsChars: 5000,
            keep: (parsed, responseTime) => `${parsed.host.id} at ${responseTime}`
        });
        const chunks: string[][] = [];
        for await (const chunk of pages) chunks.push(chunk.hosts);
        const at = ' at 2024-05-14T08:12:03Z';
        expect(chunks).to.deep.equal([[`100${at}`, `101${at}`], [`102${at}`, `103${at}`], [`104${at}`]]);
    });

    it('fails with protocol when the answer is not a host detection document', async () => {
        const other = ok('<?xml version="1.0"?><SCAN_LIST_OUTPUT><RESPONSE/></SCAN_LIST_OUTPUT>');
        qualys.on('hld', other, other);
        const outcome = await drain(startPoll(testConfig(), undefined, h, { maxPageAttempts: 2 }));

        expect(pollError(outcome).kind).to.equal('protocol');
        expectFailedSummary(outcome, 'protocol');
    });

    it('fails with a ConnectorError, its cause kept, when something other than Qualys fails', async () => {
        h.pluginStore.getMany = () => Promise.reject(new Error('disk I/O error'));
        qualys.on('hld', ok(hldPage(hostsRange(100, 1))));
        const outcome = await drain(startPoll(testConfig({ kbEnrichment: true }), undefined, h));

        const error = pollError(outcome);
        expect(error.kind).to.equal('transient');
        expect(error.message).to.contain('disk I/O error');
        expect((error.cause as Error).message).to.equal('disk I/O error');
        // The KnowledgeBase stream (nothing to refresh yet) completed before.
        expectFailedSummary(outcome, 'transient', 'partial');
    });

    it('fails with not_found when a 200 answer is an HTML page (a web console)', async () => {
        qualys.on('hld', { ...ok('<html><body>Qualys login</body></html>'), headers: HTML });
        const outcome = await drain(connectorPoll());

        expect(pollError(outcome).kind).to.equal('not_found');
        expect(qualys.forms('hld')).to.have.length(1);
    });
});
