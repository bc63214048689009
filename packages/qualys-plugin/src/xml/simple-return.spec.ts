import { expect } from 'chai';
import { type ConnectorErrorKind } from '@signal-connectors/connector-sdk';
import { parseSimpleReturn, type SimpleReturn, simpleReturnToError } from './simple-return.js';
import { readFixture } from './xml-fixtures.spec.helper.js';

function sr(code: string, text = 'some text', items: Record<string, string> = {}): SimpleReturn {
    return { code, text, items };
}

describe('parseSimpleReturn', () => {
    it('reads a rate-limit SIMPLE_RETURN with its ITEM_LIST', async () => {
        expect(parseSimpleReturn(await readFixture('simple-return-1965.xml'))).to.deep.equal({
            code: '1965',
            text: 'This API cannot be run again for another 24 minutes and 47 seconds.',
            datetime: '2024-05-14T10:02:11Z',
            items: { SECONDS_TO_WAIT: '1487' }
        });
    });

    it('reads a concurrency SIMPLE_RETURN without XML declaration', async () => {
        const result = parseSimpleReturn(await readFixture('simple-return-1960.xml'));
        expect(result).to.deep.include({ code: '1960', items: { CALLS_TO_FINISH: '2' } });
    });

    it('reads parameter and account errors', async () => {
        expect(parseSimpleReturn(await readFixture('simple-return-1905.xml'))).to.deep.equal({
            code: '1905',
            text: 'parameter ids has invalid value: abc123 (neither a positive integer nor a range: abc123)',
            datetime: '2020-09-27T01:23:36Z',
            items: {}
        });
        expect(parseSimpleReturn(await readFixture('simple-return-2001.xml'))?.text).to.equal(
            'This account has expired.'
        );
    });

    it('understands the legacy GENERIC_RETURN as code 999', async () => {
        expect(parseSimpleReturn(await readFixture('generic-return-999.xml'))).to.deep.equal({
            code: '999',
            text: 'Internal error. Please contact customer support.',
            datetime: '2018-02-13T06:09:27Z',
            items: {}
        });
    });

    it('reads a success envelope without CODE and joins repeated item keys', () => {
        const xml =
            '<SIMPLE_RETURN><RESPONSE><DATETIME>2024-05-14T10:00:00Z</DATETIME><TEXT>New vm scan launched</TEXT>' +
            '<ITEM_LIST><ITEM><KEY>ID</KEY><VALUE>1</VALUE></ITEM><ITEM><KEY>ID</KEY><VALUE>2</VALUE></ITEM>' +
            '<ITEM><KEY>REFERENCE</KEY><VALUE>scan/1715680000.1</VALUE></ITEM></ITEM_LIST></RESPONSE></SIMPLE_RETURN>';
        expect(parseSimpleReturn(xml)).to.deep.equal({
            text: 'New vm scan launched',
            datetime: '2024-05-14T10:00:00Z',
            items: { ID: '1,2', REFERENCE: 'scan/1715680000.1' }
        });
    });

    it('returns undefined for any other document, HTML, non-XML and empty bodies', async () => {
        expect(parseSimpleReturn(await readFixture('hld-final-page.xml'))).to.equal(undefined);
        expect(parseSimpleReturn(await readFixture('html-error-page.xml'))).to.equal(undefined);
        expect(parseSimpleReturn('Service Unavailable')).to.equal(undefined);
        expect(parseSimpleReturn('{"error":"nope"}')).to.equal(undefined);
        expect(parseSimpleReturn('')).to.equal(undefined);
    });

    it('returns what it read from a truncated SIMPLE_RETURN', () => {
        const result = parseSimpleReturn('<SIMPLE_RETURN><RESPONSE><CODE>1960</CODE><TEXT>This API cannot');
        expect(result?.code).to.equal('1960');
    });
});

describe('simpleReturnToError', () => {
    const table: [code: string, kind: ConnectorErrorKind][] = [
        ['1901', 'config'],
        ['1903', 'config'],
        ['1904', 'config'],
        ['1905', 'config'],
        ['1907', 'config'],
        ['1908', 'config'],
        ['1922', 'config'],
        ['1920', 'rate_limited'],
        ['1960', 'rate_limited'],
        ['1965', 'rate_limited'],
        ['1981', 'transient'],
        ['999', 'transient'],
        ['1999', 'transient'],
        ['2000', 'auth'],
        ['2001', 'auth'],
        ['2002', 'permission'],
        ['2003', 'auth'],
        ['2011', 'permission'],
        ['2012', 'permission']
    ];
    for (const [code, kind] of table) {
        it(`maps ${code} to ${kind} with a hint`, () => {
            const error = simpleReturnToError(sr(code), 409);
            expect(error.kind).to.equal(kind);
            expect(error.code).to.equal(code);
            expect(error.status).to.equal(409);
            expect(error.hint).to.be.a('string').that.is.not.empty;
            expect(error.message).to.equal(`Qualys error ${code}: some text`);
        });
    }

    it('starts messages with the code and text and carries the status', () => {
        const error = simpleReturnToError(sr('2000', 'Bad Login/Password'), 401);
        expect(error.message).to.equal('Qualys error 2000: Bad Login/Password');
        expect(error.hint).to.contain('check the username and password');
        expect(error.retryable).to.equal(false);
    });

    it('gives actionable hints for account problems', () => {
        expect(simpleReturnToError(sr('2001')).hint).to.contain('Qualys administrator');
        expect(simpleReturnToError(sr('2003')).hint).to.match(/log in to the Qualys web UI once.*not retry/);
        expect(simpleReturnToError(sr('2012')).hint).to.contain('VM module');
        expect(simpleReturnToError(sr('2011')).hint).to.contain('SecureID');
    });

    it('waits SECONDS_TO_WAIT on 1965, else the duration in the text', async () => {
        const fixture = parseSimpleReturn(await readFixture('simple-return-1965.xml'));
        expect(simpleReturnToError(fixture!, 409).retryAfterMs).to.equal(1_487_000);
        const fromText = sr('1965', 'This API cannot be run again for another 23 hours, 57 minutes and 54 seconds.');
        expect(simpleReturnToError(fromText).retryAfterMs).to.equal(((23 * 60 + 57) * 60 + 54) * 1000);
        expect(simpleReturnToError(sr('1965', 'blocked')).retryAfterMs).to.equal(undefined);
    });

    it('backs off briefly on 1960, longer when more calls must finish', async () => {
        const fixture = parseSimpleReturn(await readFixture('simple-return-1960.xml'));
        expect(simpleReturnToError(fixture!, 409).retryAfterMs).to.equal(20_000);
        expect(simpleReturnToError(sr('1960', 'x', { CALLS_TO_FINISH: '1' })).retryAfterMs).to.equal(10_000);
        expect(simpleReturnToError(sr('1960', 'x', { CALLS_TO_FINISH: '50' })).retryAfterMs).to.equal(60_000);
        expect(simpleReturnToError(sr('1960', 'until 3 currently running instances')).retryAfterMs).to.equal(30_000);
    });

    it('maps the 2001 fixture served with HTTP 200 to auth', async () => {
        const error = simpleReturnToError(parseSimpleReturn(await readFixture('simple-return-2001.xml'))!, 200);
        expect(error).to.include({ kind: 'auth', code: '2001', status: 200 });
        expect(error.message).to.equal('Qualys error 2001: This account has expired.');
    });

    it('classifies unknown codes by HTTP status', () => {
        const cases: [number | undefined, ConnectorErrorKind][] = [
            [undefined, 'protocol'],
            [200, 'protocol'],
            [400, 'config'],
            [401, 'auth'],
            [403, 'permission'],
            [404, 'not_found'],
            [408, 'transient'],
            [409, 'rate_limited'],
            [429, 'rate_limited'],
            [500, 'transient'],
            [503, 'transient']
        ];
        for (const [status, kind] of cases) {
            const error = simpleReturnToError(sr('4242', 'Something new'), status);
            expect(error.kind, `status ${status}`).to.equal(kind);
            expect(error).to.include({ code: '4242', status, message: 'Qualys error 4242: Something new' });
        }
    });

    it('describes an envelope without code or text', () => {
        const error = simpleReturnToError({ items: {} });
        expect(error.kind).to.equal('protocol');
        expect(error.message).to.equal('Qualys error: (no text)');
    });
});
