import { expect } from 'chai';
import { get } from 'node:http';
import { FaultInjector } from './fault-injector.js';
import { QualysSandbox } from './qualys-sandbox.js';
import { basicAuth, call, HLD_PATH, KB_PATH, SCAN_PATH, simpleReturn } from './test-client.spec.helper.js';

/** Reads a response with node:http so a reset connection still yields the bytes received before it. */
function rawGet(sandbox: QualysSandbox, path: string): Promise<{ status: number; body: string; error?: string }> {
    const headers = {
        authorization: basicAuth(sandbox.credentials.username, sandbox.credentials.password),
        'x-requested-with': 'spec'
    };
    return new Promise(resolve => {
        const chunks: Buffer[] = [];
        let status = 0;
        const done = (error?: string): void => resolve({ status, body: Buffer.concat(chunks).toString('utf8'), error });
        get(`${sandbox.url}${path}`, { headers }, res => {
            status = res.statusCode ?? 0;
            res.on('data', chunk => chunks.push(chunk));
            res.on('end', () => done());
            res.on('error', error => done(error.message));
        }).on('error', error => done(error.message));
    });
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('fault injection', () => {
    let sandbox: QualysSandbox;

    beforeEach(async () => {
        sandbox = await QualysSandbox.start({ hosts: 30, detectionsPerHost: 4, resultsSize: 100 });
    });

    afterEach(async () => {
        await sandbox.close();
    });

    it('rate-limit: 409 / 1965 with the requested wait, then back to normal (one-shot)', async () => {
        sandbox.faults.inject({ type: 'rate-limit', toWaitSec: 181 });
        const res = await call(sandbox, HLD_PATH, { action: 'list' });
        expect(res.status).to.equal(409);
        expect(res.headers.get('x-ratelimit-towait-sec')).to.equal('181');
        expect(res.headers.get('x-ratelimit-remaining')).to.equal('0');
        expect(await simpleReturn(res.body)).to.deep.include({
            code: 1965,
            text: 'This API cannot be run again for another 3 minutes and 1 second.'
        });
        expect((await call(sandbox, HLD_PATH, { action: 'list' })).status).to.equal(200);
        expect(sandbox.requests.first('hld')).to.include({ status: 409, fault: 'rate-limit', code: 1965 });
    });

    it('concurrency-limit: 409 / 1960 without ToWait or Remaining headers', async () => {
        sandbox.faults.inject({ type: 'concurrency-limit' });
        const res = await call(sandbox, KB_PATH, { action: 'list' });
        expect(res.status).to.equal(409);
        expect((await simpleReturn(res.body)).code).to.equal(1960);
        expect(res.headers.get('x-ratelimit-towait-sec')).to.equal(null);
        expect(res.headers.get('x-ratelimit-remaining')).to.equal(null);
        expect(res.headers.get('x-concurrency-limit-running')).to.equal('2');
    });

    it('server-error: 500 GENERIC_RETURN by default, 503 maintenance and 502 gateway pages on request', async () => {
        sandbox.faults.inject({ type: 'server-error' });
        sandbox.faults.inject({ type: 'server-error', status: 503, onRequest: 2 });
        sandbox.faults.inject({ type: 'server-error', status: 502, onRequest: 3 });
        const first = await call(sandbox, HLD_PATH, { action: 'list' });
        expect(first.status).to.equal(500);
        expect(first.body).to.contain('<RETURN status="FAILED" number="999">');
        const second = await call(sandbox, HLD_PATH, { action: 'list' });
        expect(second.status).to.equal(503);
        expect((await simpleReturn(second.body)).code).to.equal(1999);
        const third = await call(sandbox, HLD_PATH, { action: 'list' });
        expect(third.status).to.equal(502);
        expect(third.headers.get('content-type')).to.contain('text/html');
    });

    it('reset: destroys the connection after N hosts of a streamed page', async () => {
        sandbox.faults.inject({ type: 'reset', afterHosts: 3, endpoint: 'hld' });
        const res = await rawGet(sandbox, `${HLD_PATH}?action=list&truncation_limit=10`);
        expect(res.status).to.equal(200);
        expect(res.error).to.be.a('string');
        expect(count(res.body, '</HOST>')).to.equal(3);
        expect(res.body).not.to.contain('</HOST_LIST_VM_DETECTION_OUTPUT>');
        const fetchFailure = await (async () => {
            sandbox.faults.inject({ type: 'reset', afterHosts: 2 });
            return call(sandbox, HLD_PATH, { action: 'list' }).then(
                () => 'no error',
                (error: Error) => error.message
            );
        })();
        expect(fetchFailure).not.to.equal('no error');
        expect(sandbox.requests.last('hld')).to.include({ hostsWritten: 2, completed: false, fault: 'reset' });
    });

    it('truncate: ends the response cleanly in the middle of the document', async () => {
        sandbox.faults.inject({ type: 'truncate', afterHosts: 4 });
        const res = await rawGet(sandbox, `${HLD_PATH}?action=list`);
        expect(res).to.include({ status: 200, error: undefined });
        expect(count(res.body, '</HOST>')).to.equal(4);
        expect(res.body).not.to.contain('</HOST_LIST_VM_DETECTION_OUTPUT>');
        sandbox.faults.inject({ type: 'truncate', afterHosts: 0, endpoint: 'scans' });
        const scans = await rawGet(sandbox, `${SCAN_PATH}?action=list`);
        expect(scans.body).to.contain('<DATETIME>');
        expect(scans.body).not.to.contain('<SCAN>');
    });

    it('simple-return: an arbitrary error envelope, e.g. 2001 with HTTP 200', async () => {
        sandbox.faults.inject({ type: 'simple-return', code: 2001, text: 'This account has expired.' });
        const res = await call(sandbox, HLD_PATH, { action: 'list' });
        expect(res.status).to.equal(200);
        expect(await simpleReturn(res.body)).to.include({ code: 2001, text: 'This account has expired.' });
    });

    it('registration-required: 409 / 2003', async () => {
        sandbox.faults.inject({ type: 'registration-required', times: 2 });
        for (let i = 0; i < 2; i++) {
            const res = await call(sandbox, SCAN_PATH, { action: 'list' });
            expect(res.status).to.equal(409);
            expect((await simpleReturn(res.body)).code).to.equal(2003);
        }
        expect((await call(sandbox, SCAN_PATH, { action: 'list' })).status).to.equal(200);
    });

    it('slow-first-byte: delays the response head', async () => {
        sandbox.faults.inject({ type: 'slow-first-byte', delayMs: 250 });
        const started = Date.now();
        const res = await call(sandbox, '/msp/about.php');
        expect(res.status).to.equal(200);
        expect(Date.now() - started).to.be.at.least(240);
        expect(res.body).to.contain('<ABOUT>');
    });

    it('targets endpoints and the Nth matching request, and can be cleared', async () => {
        sandbox.faults.inject({ type: 'server-error', endpoint: 'kb', onRequest: 2 });
        expect((await call(sandbox, HLD_PATH, { action: 'list' })).status).to.equal(200);
        expect((await call(sandbox, KB_PATH, { action: 'list', ids: 1 })).status).to.equal(200);
        expect((await call(sandbox, KB_PATH, { action: 'list', ids: 1 })).status).to.equal(500);
        sandbox.faults.inject({ type: 'server-error', times: 5 });
        expect(sandbox.faults.pending()).to.have.length(1);
        expect(sandbox.faults.clear()).to.equal(1);
        expect((await call(sandbox, KB_PATH, { action: 'list', ids: 1 })).status).to.equal(200);
        expect(sandbox.faults.fired().map(f => f.endpoint)).to.deep.equal(['kb']);
    });

    it('rejects malformed faults', () => {
        const injector = new FaultInjector();
        expect(() => injector.inject({ type: 'nope' } as never)).to.throw(TypeError);
        expect(() => injector.inject({ type: 'simple-return' } as never)).to.throw(TypeError);
        expect(() => injector.inject({ type: 'server-error', status: 404 })).to.throw(TypeError);
        expect(() => injector.inject({ type: 'reset', afterHosts: -1 })).to.throw(TypeError);
        expect(injector.inject({ type: 'reset', afterHosts: 1 })).to.equal(1);
    });
});
