import { expect } from 'chai';
import { chunked, parseAll, readFixture } from './xml-fixtures.spec.helper.js';

const API_SERVER_HINT = "check that host points at your platform's API server (qualysapi.*), see the platform table";

describe('HostDetectionParser errors', () => {
    describe('Qualys error documents', () => {
        it('throws the mapped error of a SIMPLE_RETURN root', async () => {
            const cases: [fixture: string, kind: string, code: string][] = [
                ['simple-return-1965.xml', 'rate_limited', '1965'],
                ['simple-return-1960.xml', 'rate_limited', '1960'],
                ['simple-return-1905.xml', 'config', '1905'],
                ['simple-return-2001.xml', 'auth', '2001'],
                ['generic-return-999.xml', 'transient', '999']
            ];
            for (const [fixture, kind, code] of cases) {
                const { hosts, error } = await parseAll(chunked(await readFixture(fixture), 31));
                expect(hosts, fixture).to.deep.equal([]);
                expect(error, fixture).to.include({ kind, code });
                expect(error?.message, fixture).to.match(new RegExp(`^Qualys error ${code}: `));
            }
        });

        it('carries SECONDS_TO_WAIT of a 1965 as retryAfterMs', async () => {
            const { error } = await parseAll(chunked(await readFixture('simple-return-1965.xml')));
            expect(error?.retryAfterMs).to.equal(1_487_000);
        });
    });

    describe('not a host detection document', () => {
        it('rejects an HTML page by its root', async () => {
            const { error } = await parseAll(chunked(await readFixture('html-error-page.xml')));
            expect(error).to.include({
                kind: 'protocol',
                message: 'response is not a Qualys host detection document (root <html>)',
                hint: API_SERVER_HINT
            });
        });

        it('rejects another Qualys document by its root', async () => {
            const { error } = await parseAll(chunked(await readFixture('scan-list.xml')));
            expect(error?.message).to.equal(
                'response is not a Qualys host detection document (root <SCAN_LIST_OUTPUT>)'
            );
        });

        it('rejects a body that is not XML, and an empty body', async () => {
            for (const [body, detail] of [
                ['Service Temporarily Unavailable', 'not XML'],
                ['{"error":"unauthorized"}', 'not XML'],
                ['', 'empty body'],
                ['   \n<!-- only a comment -->\n', 'no root element']
            ]) {
                const { error } = await parseAll(chunked(body, 7));
                expect(error, detail).to.include({ kind: 'protocol', hint: API_SERVER_HINT });
                expect(error?.message, detail).to.equal(`response is not a Qualys host detection document (${detail})`);
            }
        });
    });

    describe('broken responses', () => {
        it('reports a truncated body after the hosts it completed, which stay yielded', async () => {
            const { hosts, error } = await parseAll(chunked(await readFixture('hld-truncated.xml'), 100));
            expect(hosts.map(parsed => parsed.host.id)).to.deep.equal([118220451]);
            expect(error).to.include({ kind: 'protocol', message: 'truncated response after 1 hosts' });
        });

        it('reports malformed XML with line and column, after the hosts read before it', async () => {
            const { hosts, error } = await parseAll(chunked(await readFixture('hld-malformed.xml'), 100));
            expect(hosts.map(parsed => parsed.host.id)).to.deep.equal([118220451]);
            expect(error?.kind).to.equal('protocol');
            expect(error?.message).to.equal('malformed XML at line 83, column 29 after 1 hosts: Unexpected close tag');
        });

        it('yields hosts completed in the same chunk as the malformed part before failing', async () => {
            const xml = await readFixture('hld-malformed.xml');
            const { hosts, error } = await parseAll(chunked(xml, 1 << 20));
            expect(hosts).to.have.length(1);
            expect(error?.kind).to.equal('protocol');
        });

        it('reports a lost connection as transient, keeping the error code', async () => {
            const xml = await readFixture('hld-page-with-warning.xml');
            async function* resetAfterFirstHost(): AsyncGenerator<Buffer> {
                yield Buffer.from(xml.slice(0, xml.indexOf('<ID>118220466')));
                throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
            }
            const { hosts, error } = await parseAll(resetAfterFirstHost());
            expect(hosts).to.have.length(1);
            expect(error?.kind).to.equal('transient');
            expect(error?.message).to.equal('connection lost after 1 hosts (ECONNRESET: socket hang up)');
            expect((error?.cause as Error).message).to.equal('socket hang up');
        });

        it('does not fail when the connection drops after the document is complete', async () => {
            const xml = await readFixture('hld-final-page.xml');
            async function* resetAtEnd(): AsyncGenerator<string> {
                yield xml;
                throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
            }
            const { hosts, error } = await parseAll(resetAtEnd());
            expect(error).to.equal(undefined);
            expect(hosts).to.have.length(1);
        });

        it('rejects a HOST without an ID', async () => {
            const xml = (await readFixture('hld-one-host.xml')).replace('<ID>5641288</ID>', '');
            const { error } = await parseAll(chunked(xml, 64));
            expect(error).to.include({
                kind: 'protocol',
                message: 'Qualys sent a HOST without a numeric ID after 0 hosts'
            });
        });
    });
});
