import { expect } from 'chai';
import { QualysSandbox } from './qualys-sandbox.js';
import { call, HLD_PATH, simpleReturn } from './test-client.spec.helper.js';

const QUERY = { action: 'list', truncation_limit: 1 };

async function login(sandbox: QualysSandbox, form: Record<string, string>): Promise<{ status: number; body: string }> {
    const res = await fetch(`${sandbox.url}/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString()
    });
    return { status: res.status, body: await res.text() };
}

function credentials(sandbox: QualysSandbox): Record<string, string> {
    return { ...sandbox.credentials, token: 'true' };
}

describe('gateway token login (POST /auth) and Bearer authentication', () => {
    let sandbox: QualysSandbox | undefined;

    afterEach(async () => {
        await sandbox?.close();
        sandbox = undefined;
    });

    it('issues a JWT for the right credentials that the API accepts as Bearer', async () => {
        sandbox = await QualysSandbox.start({ hosts: 3, detectionsPerHost: 2 });
        const issued = await login(sandbox, credentials(sandbox));
        expect(issued.status).to.equal(201);
        const [header, claims] = issued.body
            .split('.')
            .slice(0, 2)
            .map(part => JSON.parse(Buffer.from(part, 'base64url').toString()));
        expect(header).to.deep.include({ alg: 'HS256', typ: 'JWT' });
        expect(claims.sub).to.equal('sandbox_user');
        expect(claims.exp - claims.iat).to.equal(4 * 3600);

        const res = await call(sandbox, HLD_PATH, QUERY, { auth: `Bearer ${issued.body}` });
        expect(res.status).to.equal(200);
        expect(res.body).to.contain('<HOST_LIST_VM_DETECTION_OUTPUT>');
        const record = sandbox.requests.last('auth');
        expect(JSON.stringify(record)).not.to.contain(sandbox.credentials.password);
    });

    it('refuses wrong credentials, a missing token=true and other methods', async () => {
        sandbox = await QualysSandbox.start({ hosts: 3 });
        expect((await login(sandbox, { ...credentials(sandbox), password: 'wrong' })).status).to.equal(401);
        expect((await login(sandbox, { ...sandbox.credentials })).status).to.equal(400);
        expect((await fetch(`${sandbox.url}/auth`)).status).to.equal(405);
        expect(sandbox.tokens.issued).to.equal(0);
    });

    it('answers 401 to an expired, revoked or forged token', async () => {
        sandbox = await QualysSandbox.start({ hosts: 3, tokenLifetimeSec: 1 });
        const token = (await login(sandbox, credentials(sandbox))).body;
        const forged = `${token.slice(0, token.lastIndexOf('.'))}.AAAA`;
        const refusedForged = await call(sandbox, HLD_PATH, QUERY, { auth: `Bearer ${forged}` });
        expect(refusedForged.status).to.equal(401);
        expect((await simpleReturn(refusedForged.body)).text).to.contain('invalid');

        const fresh = (await login(sandbox, credentials(sandbox))).body;
        sandbox.tokens.revokeAll();
        const revoked = await call(sandbox, HLD_PATH, QUERY, { auth: `Bearer ${fresh}` });
        expect((await simpleReturn(revoked.body)).text).to.contain('revoked');

        const short = (await login(sandbox, credentials(sandbox))).body;
        await new Promise(resolve => setTimeout(resolve, 2100));
        const expired = await call(sandbox, HLD_PATH, QUERY, { auth: `Bearer ${short}` });
        expect(expired.status).to.equal(401);
        expect((await simpleReturn(expired.body)).text).to.contain('expired');
        expect(sandbox.tokens.rejected).to.equal(3);
    });

    it('refuses Basic credentials when Basic is turned off, and still accepts tokens', async () => {
        sandbox = await QualysSandbox.start({ hosts: 3, basicAuth: false });
        const basic = await call(sandbox, HLD_PATH, QUERY);
        expect(basic.status).to.equal(401);
        expect((await simpleReturn(basic.body)).text).to.contain('Basic authentication is disabled');
        const token = (await login(sandbox, credentials(sandbox))).body;
        expect((await call(sandbox, HLD_PATH, QUERY, { auth: `Bearer ${token}` })).status).to.equal(200);
    });
});
