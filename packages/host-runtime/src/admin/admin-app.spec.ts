import { expect } from 'chai';
import { ADMIN_TOKEN, AdminHarness, cookiesOf, LISTEN_HOST } from '../test/admin-harness.js';

describe('admin app: access', () => {
    let harness: AdminHarness;

    afterEach(async () => harness?.close());

    it('answers 401 to the API without a token or with a wrong one, and 200 with the bearer token', async () => {
        harness = await AdminHarness.start();
        const anonymous = await harness.app.inject({ method: 'GET', url: '/api/instances', headers: { host: LISTEN_HOST } });
        expect(anonymous.statusCode).to.equal(401);
        expect(anonymous.headers['www-authenticate']).to.contain('Bearer');
        expect(anonymous.json().error.message).to.contain('Authorization: Bearer');

        const wrong = await harness.app.inject({
            method: 'GET',
            url: '/api/instances',
            headers: { host: LISTEN_HOST, authorization: 'Bearer not-the-token' }
        });
        expect(wrong.statusCode).to.equal(401);

        const ok = await harness.api('GET', '/api/instances');
        expect(ok.statusCode).to.equal(200);
        expect(ok.json()).to.deep.equal([]);
    });

    it('sends a browser without a session to the login page, and lets it in with the one-time link', async () => {
        harness = await AdminHarness.start();
        const page = await harness.app.inject({ method: 'GET', url: '/integrations', headers: { host: LISTEN_HOST } });
        expect(page.statusCode).to.equal(303);
        expect(page.headers.location).to.equal('/login?next=%2Fintegrations');

        const code = harness.access.issueLoginCode();
        const login = await harness.app.inject({ method: 'GET', url: `/login?code=${code}`, headers: { host: LISTEN_HOST } });
        expect(login.statusCode).to.equal(303);
        const cookie = login.cookies.find(c => c.name === 'signal_session')!;
        expect(cookie).to.include({ httpOnly: true, sameSite: 'Strict', path: '/' });
        const inside = await harness.app.inject({ method: 'GET', url: '/integrations', headers: { host: LISTEN_HOST, cookie: cookiesOf(login) } });
        expect(inside.statusCode).to.equal(200);
        expect(inside.body).to.contain('Add integration');

        const again = await harness.app.inject({ method: 'GET', url: `/login?code=${code}`, headers: { host: LISTEN_HOST } });
        expect(again.statusCode).to.equal(401);
        expect(again.cookies.find(c => c.name === 'signal_session')).to.equal(undefined);
        expect(harness.auditLines().filter(line => line.includes('logged in with the one-time login link'))).to.have.length(1);
    });

    it('logs a browser in with the token on the login form, and refuses a wrong one', async () => {
        harness = await AdminHarness.start();
        const form = (token: string) =>
            harness.app.inject({
                method: 'POST',
                url: '/login',
                headers: { host: LISTEN_HOST, 'content-type': 'application/x-www-form-urlencoded' },
                payload: new URLSearchParams({ token, next: '/catalog' }).toString()
            });
        const wrong = await form('wrong-token');
        expect(wrong.statusCode).to.equal(401);
        expect(wrong.body).to.contain('That is not the admin token.');
        const right = await form(ADMIN_TOKEN);
        expect(right.statusCode).to.equal(303);
        expect(right.headers.location).to.equal('/catalog');
        expect(right.cookies.map(c => c.name)).to.include('signal_session');
    });

    it('never redirects a login to another site', async () => {
        harness = await AdminHarness.start();
        const code = harness.access.issueLoginCode();
        const login = await harness.app.inject({
            method: 'GET',
            url: `/login?code=${code}&next=${encodeURIComponent('//attacker.example/x')}`,
            headers: { host: LISTEN_HOST }
        });
        expect(login.headers.location).to.equal('/integrations');
    });

    it('refuses a foreign Host, even with the token (DNS rebinding), and accepts the names in admin.allowedHosts', async () => {
        harness = await AdminHarness.start({ admin: { allowedHosts: ['signal.corp.example'] } });
        const foreign = await harness.api('GET', '/api/instances', undefined, { host: 'attacker.example:9464' });
        expect(foreign.statusCode).to.equal(403);
        expect(foreign.json().error.message).to.contain("'attacker.example:9464'").and.contain('admin.allowedHosts');
        const probe = await harness.app.inject({ method: 'GET', url: '/healthz', headers: { host: 'attacker.example' } });
        expect(probe.statusCode).to.equal(403);

        const allowed = await harness.api('GET', '/api/instances', undefined, { host: 'signal.corp.example:9464' });
        expect(allowed.statusCode).to.equal(200);
        const local = await harness.api('GET', '/api/instances', undefined, { host: 'localhost:9464' });
        expect(local.statusCode).to.equal(200);
    });

    it('refuses a state change from a foreign Origin or a cross-site fetch, before it runs', async () => {
        harness = await AdminHarness.start({ fileInstances: [{ id: 'file-one' }] });
        const session = await harness.login();
        const foreign = await harness.submit(session, '/integrations/file-one/poll', {}, { headers: { origin: 'https://attacker.example' } });
        expect(foreign.statusCode).to.equal(403);
        expect(foreign.body).to.contain('another site');
        // A text/plain POST needs no CORS preflight, so a page anywhere can send one: refused by its Origin.
        const plain = await harness.api('POST', '/api/instances/file-one/test', 'x', {
            origin: 'http://attacker.example',
            'content-type': 'text/plain'
        });
        expect(plain.statusCode).to.equal(403);
        const crossSite = await harness.api('POST', '/api/instances/file-one/test', {}, { 'sec-fetch-site': 'cross-site' });
        expect(crossSite.statusCode).to.equal(403);
        expect(harness.connector.polls).to.have.length(0);
        expect(harness.auditLines().filter(line => !line.includes('logged in'))).to.deep.equal([]);
    });

    it('needs the CSRF token for a browser state change, and not for a bearer-token client', async () => {
        harness = await AdminHarness.start();
        const session = await harness.login();
        const fields = { connector: 'acme.vuln', id: 'acme-one', pollingInterval: '30m', enabled: 'on', 'settings.host': 'api.eu.acme.example', 'settings.username': 'u', 'settings.password': 'Secret-P4ss-000' };
        const without = await harness.submit(session, '/integrations', fields, { csrf: false });
        expect(without.statusCode).to.equal(403);
        const forged = await harness.submit({ ...session, csrf: 'forged-token' }, '/integrations', fields);
        expect(forged.statusCode).to.equal(403);
        expect(harness.instances.get('acme-one')).to.equal(undefined);

        const withToken = await harness.submit(session, '/integrations', fields);
        expect(withToken.statusCode).to.equal(303);
        expect(withToken.headers.location).to.equal('/integrations/acme-one?notice=created');

        const api = await harness.api('POST', '/api/instances/acme-one/disable');
        expect(api.statusCode).to.equal(200);
        expect(api.json().enabled).to.equal(false);
    });

    it('leaves /healthz and /readyz open, and /metrics behind the token', async () => {
        harness = await AdminHarness.start();
        const open = (url: string) => harness.app.inject({ method: 'GET', url, headers: { host: LISTEN_HOST } });
        expect((await open('/healthz')).statusCode).to.equal(200);
        expect((await open('/readyz')).statusCode).to.equal(200);
        expect((await open('/metrics')).statusCode).to.equal(401);
        const metrics = await harness.api('GET', '/metrics');
        expect(metrics.statusCode).to.equal(200);
        expect(metrics.body).to.contain('# HELP');
    });

    it('serves /metrics without the token when admin.publicMetrics is true, and nothing else', async () => {
        harness = await AdminHarness.start({ admin: { publicMetrics: true } });
        const metrics = await harness.app.inject({ method: 'GET', url: '/metrics', headers: { host: LISTEN_HOST } });
        expect(metrics.statusCode).to.equal(200);
        const api = await harness.app.inject({ method: 'GET', url: '/api/instances', headers: { host: LISTEN_HOST } });
        expect(api.statusCode).to.equal(401);
    });

    it('answers /readyz 503 until the service is ready', async () => {
        harness = await AdminHarness.start({ startScheduler: false });
        const ready = await harness.app.inject({ method: 'GET', url: '/readyz', headers: { host: LISTEN_HOST } });
        expect(ready.statusCode).to.equal(503);
    });

    it('sends strict security headers: a CSP without inline script, no framing, no sniffing', async () => {
        harness = await AdminHarness.start();
        const session = await harness.login();
        const page = await harness.page(session, '/integrations');
        const csp = String(page.headers['content-security-policy']);
        expect(csp).to.contain("script-src 'self'").and.contain("frame-ancestors 'none'").and.contain("default-src 'self'");
        expect(csp).to.not.contain('unsafe-inline');
        expect(page.headers['x-frame-options']).to.equal('DENY');
        expect(page.headers['x-content-type-options']).to.equal('nosniff');
        expect(page.headers['cache-control']).to.equal('no-store');
        expect(page.body).to.not.match(/<script>(?!<\/script>)/);
        const script = await harness.app.inject({ method: 'GET', url: '/assets/console.js', headers: { host: LISTEN_HOST } });
        expect(script.statusCode).to.equal(200);
    });
});
