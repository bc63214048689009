import { expect } from 'chai';
import { ConnectorError, type PollItem } from '@signal-connectors/connector-sdk';
import { ACME, AdminHarness, type BrowserSession } from '../../test/admin-harness.js';
import { flush, makeArtifacts } from '../../test/scripted-connector.js';

const STREAMS = [
    { id: 'host_detections', title: 'Host detections', description: 'Findings per host.' },
    { id: 'knowledge_base', title: 'KnowledgeBase', description: 'Vulnerability descriptions.' },
    { id: 'scans', title: 'Scans', description: 'Scan state changes.' }
];
const FORM = {
    connector: ACME,
    id: 'acme-streams',
    pollingInterval: '30m',
    enabled: 'on',
    'settings.host': 'api.eu.acme.example',
    'settings.username': 'analyst',
    'settings.password': 'Streams-Pa55word-1'
};

/** How each stream ends in a poll: the artifacts it delivers, then `complete` or the error it fails with. */
type Script = Record<string, { artifacts: number; error?: ConnectorError }>;

/** The tile's status text, and the tile's markup. */
function tileOf(page: string, id: string): { status: string; markup: string } {
    const start = page.indexOf(`<article class="tile`, page.indexOf(`id="tile-${id}"`) - 200);
    const markup = page.slice(start, page.indexOf('</article>', start));
    const status = /<p role="status"[^>]*><span class="dot" aria-hidden="true"><\/span>([^<]*)<\/p>/.exec(markup)?.[1] ?? '';
    return { status, markup };
}

describe('console: per-stream status', () => {
    let harness: AdminHarness;
    let session: BrowserSession;
    let script: Script;

    beforeEach(async () => {
        harness = await AdminHarness.start({
            streams: STREAMS,
            connector: {
                poll: async function* (_checkpoints, ctx): AsyncIterable<PollItem> {
                    for (const [stream, plan] of Object.entries(script)) {
                        if (plan.artifacts > 0) {
                            const artifacts = makeArtifacts(plan.artifacts, { connector: ACME, instance: ctx.instanceId }, stream);
                            yield { stream, artifacts, checkpoint: { n: plan.artifacts } };
                        }
                        yield plan.error === undefined ? { stream, status: 'complete' } : { stream, status: 'failed', error: plan.error };
                    }
                }
            }
        });
        session = await harness.login();
    });

    afterEach(async () => harness?.close());

    async function pollWith(next: Script): Promise<{ tiles: string; detail: string }> {
        script = next;
        if (harness.instances.get('acme-streams') === undefined) await harness.submit(session, '/integrations', FORM);
        else await harness.submit(session, '/integrations/acme-streams/poll');
        await flush();
        return {
            tiles: (await harness.page(session, '/integrations')).body,
            detail: (await harness.page(session, '/integrations/acme-streams')).body
        };
    }

    it('shows the artifact counts of the last finished run per stream, in the manifest order', async () => {
        const { tiles, detail } = await pollWith({ scans: { artifacts: 1 }, host_detections: { artifacts: 3 }, knowledge_base: { artifacts: 2 } });
        const tile = tileOf(tiles, 'acme-streams');
        expect(tile.status).to.equal('Healthy — the last poll succeeded');
        expect(tile.markup).to.contain('<dt>Artifacts of the last run</dt><dd>Host detections\u00a03 · KnowledgeBase\u00a02 · Scans\u00a01</dd>');
        expect(detail).to.contain('Host detections\u00a03 · KnowledgeBase\u00a02 · Scans\u00a01');
        const streams = detail.slice(detail.indexOf('id="streams"'), detail.indexOf('id="settings-h"'));
        expect(streams.match(/<span class="pill result-success">complete<\/span>/g)).to.have.length(3);
        expect(streams).to.contain('Host detections<br><span class="muted small">Findings per host.</span>');
    });

    it('turns Failing when one stream failed, naming it with its error and hint; the other streams still count', async () => {
        await pollWith({ host_detections: { artifacts: 3 }, knowledge_base: { artifacts: 2 }, scans: { artifacts: 1 } });
        const limited = new ConnectorError('rate_limited', 'the KnowledgeBase API answered 409 (code 1965)', {
            hint: 'wait for the window to reset, or poll less often',
            retryAfterMs: 60_000
        });
        const { tiles, detail } = await pollWith({ host_detections: { artifacts: 4 }, knowledge_base: { artifacts: 0, error: limited }, scans: { artifacts: 0 } });
        const tile = tileOf(tiles, 'acme-streams');
        expect(tile.status).to.equal('Failing — KnowledgeBase: rate limited (rate_limited)');
        expect(tile.markup).to.contain('<p><strong>KnowledgeBase</strong>: the KnowledgeBase API answered 409 (code 1965)</p>');
        expect(tile.markup).to.contain('What to do: wait for the window to reset, or poll less often');
        expect(tile.markup).to.contain('Host detections\u00a04 · KnowledgeBase\u00a00\u00a0(failed) · Scans\u00a00');

        const streams = detail.slice(detail.indexOf('id="streams"'), detail.indexOf('id="settings-h"'));
        const kb = streams.slice(streams.indexOf('KnowledgeBase<br>'), streams.indexOf('Scans<br>'));
        expect(kb).to.contain('<span class="pill result-failed">failed</span>').and.contain('rate limited (rate_limited)').and.contain('What to do: wait');
        const host = streams.slice(streams.indexOf('Host detections<br>'), streams.indexOf('KnowledgeBase<br>'));
        expect(host).to.contain('result-success').and.match(/<td>4<\/td>\s*<td>7<\/td>/);
        const history = detail.slice(detail.indexOf('id="history"'), detail.indexOf('id="logs"'));
        expect(history).to.contain('<strong>KnowledgeBase</strong> — rate limited (rate_limited): the KnowledgeBase API answered 409 (code 1965)');
    });

    it('lists each connector in the catalog with its streams and its documentation link', async () => {
        const catalog = (await harness.page(session, '/catalog')).body;
        expect(catalog).to.contain('<strong>Host detections</strong><br><span class="muted small">Findings per host.</span>');
        expect(catalog).to.contain('<strong>Scans</strong>');
        expect(catalog).to.contain('<a class="button" href="https://example.com/docs" rel="noreferrer">Documentation</a>');
        expect(catalog).to.contain(`href="/integrations/new?connector=${ACME}"`);
    });

    it('names streams that failed alike together, once', async () => {
        const denied = () => new ConnectorError('auth', 'Bad Login/Password', { hint: 'check the username and password' });
        const { tiles } = await pollWith({ host_detections: { artifacts: 0, error: denied() }, knowledge_base: { artifacts: 1 }, scans: { artifacts: 0, error: denied() } });
        const tile = tileOf(tiles, 'acme-streams');
        expect(tile.status).to.equal('Failing — Host detections and Scans: authentication failed (auth)');
        expect(tile.markup.match(/Bad Login\/Password/g)).to.have.length(1);
        expect(tile.markup).to.contain('<strong>Host detections and Scans</strong>');
    });
});
