import { expect } from 'chai';
import { AdminAccess } from './admin-access.js';

const TOKEN = 'the-admin-token-0123456789abcdef';
const HOUR = 3_600_000;

describe('AdminAccess', () => {
    let now: number;
    const access = (listenHost = '127.0.0.1', allowedHosts: string[] = []) =>
        new AdminAccess(TOKEN, { listenHost, allowedHosts, now: () => now });

    beforeEach(() => {
        now = Date.parse('2026-01-01T00:00:00Z');
    });

    it('accepts the admin token only, in full', () => {
        const guard = access();
        expect(guard.checkToken(TOKEN)).to.equal(true);
        expect(guard.checkToken(`${TOKEN}x`)).to.equal(false);
        expect(guard.checkToken(TOKEN.slice(0, -1))).to.equal(false);
        expect(guard.checkToken('')).to.equal(false);
    });

    it('keeps a session alive while it is used and ends it after 12 idle hours or a logout', () => {
        const guard = access();
        const session = guard.openSession();
        expect(session).to.have.length.above(40);
        expect(guard.checkSession(session)).to.equal(true);
        now += 11 * HOUR;
        expect(guard.checkSession(session), 'used within 12 h').to.equal(true);
        now += 12 * HOUR + 1;
        expect(guard.checkSession(session), 'idle for more than 12 h').to.equal(false);

        const other = guard.openSession();
        guard.closeSession(other);
        expect(guard.checkSession(other)).to.equal(false);
        expect(guard.checkSession(undefined)).to.equal(false);
        expect(guard.checkSession('made-up-session-id')).to.equal(false);
    });

    it('redeems a login code once, and not after a day', () => {
        const guard = access();
        const code = guard.issueLoginCode();
        expect(guard.redeemLoginCode(code)).to.equal(true);
        expect(guard.redeemLoginCode(code), 'used twice').to.equal(false);

        const late = guard.issueLoginCode();
        now += 24 * HOUR + 1;
        expect(guard.redeemLoginCode(late)).to.equal(false);
        expect(guard.redeemLoginCode('guessed')).to.equal(false);
    });

    it('answers to its listen address, localhost and loopback addresses, with or without a port', () => {
        const guard = access('127.0.0.1');
        for (const host of ['127.0.0.1:9464', '127.0.0.1', 'localhost:9464', 'LOCALHOST', 'localhost.', '[::1]:9464']) {
            expect(guard.acceptsHost(host), host).to.equal(true);
        }
        for (const host of ['attacker.example', 'attacker.example:9464', 'localhost.attacker.example', '10.0.0.5:9464', '', undefined]) {
            expect(guard.acceptsHost(host), String(host)).to.equal(false);
        }
    });

    it('answers to the names in admin.allowedHosts and to no other name', () => {
        const guard = access('127.0.0.1', ['signal.internal.example', 'Console.Example']);
        expect(guard.acceptsHost('signal.internal.example:443')).to.equal(true);
        expect(guard.acceptsHost('console.example')).to.equal(true);
        expect(guard.acceptsHost('evil.signal.internal.example')).to.equal(false);
    });

    it('on every address (0.0.0.0) also answers to IP literals, which DNS rebinding cannot produce, but not to names', () => {
        const guard = access('0.0.0.0');
        expect(guard.acceptsHost('127.0.0.1:9464'), 'a published container port').to.equal(true);
        expect(guard.acceptsHost('192.168.1.20:9464')).to.equal(true);
        expect(guard.acceptsHost('[fd00::5]:9464')).to.equal(true);
        expect(guard.acceptsHost('attacker.example:9464')).to.equal(false);
        expect(access('127.0.0.1').acceptsHost('192.168.1.20:9464'), 'loopback listener').to.equal(false);
    });

    it('takes an Origin as ours only when it names the host and port the request came to', () => {
        expect(AdminAccess.sameOrigin('http://127.0.0.1:9464', '127.0.0.1:9464')).to.equal(true);
        expect(AdminAccess.sameOrigin('http://localhost:9464', 'LOCALHOST:9464')).to.equal(true);
        expect(AdminAccess.sameOrigin('http://127.0.0.1:9465', '127.0.0.1:9464')).to.equal(false);
        expect(AdminAccess.sameOrigin('https://attacker.example', '127.0.0.1:9464')).to.equal(false);
        expect(AdminAccess.sameOrigin('null', '127.0.0.1:9464')).to.equal(false);
    });

    it('names a session in audit lines by a short hash, never by the session id', () => {
        const session = access().openSession();
        const label = AdminAccess.sessionLabel(session);
        expect(label).to.match(/^console session [0-9a-f]{8}$/);
        expect(label).to.not.contain(session.slice(0, 8));
        expect(AdminAccess.sessionLabel(session)).to.equal(label);
    });
});
