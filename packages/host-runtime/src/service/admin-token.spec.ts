import { expect } from 'chai';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminConfig } from '../config/runtime-config.js';
import { ADMIN_TOKEN_FILE, loadAdminToken, readAdminToken } from './admin-token.js';

describe('admin token', () => {
    let dataDir: string;
    const config = (token?: string) => ({ dataDir, admin: adminConfig({ listen: '127.0.0.1:9464', ...(token === undefined ? {} : { token }) }) });

    beforeEach(() => {
        dataDir = join(mkdtempSync(join(tmpdir(), 'signal-token-')), 'data');
    });

    afterEach(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

    it('generates a 256-bit token on the first start into <dataDir>/admin-token, readable by its owner only', () => {
        const first = loadAdminToken(config());
        expect(first.source).to.equal('generated');
        expect(first.path).to.equal(join(dataDir, ADMIN_TOKEN_FILE));
        expect(Buffer.from(first.token, 'base64url')).to.have.length(32);
        expect(statSync(first.path!).mode & 0o777).to.equal(0o600);
        expect(readFileSync(first.path!, 'utf8').trim()).to.equal(first.token);

        const second = loadAdminToken(config());
        expect(second).to.deep.equal({ token: first.token, source: 'file', path: first.path });
        expect(readAdminToken(config())).to.equal(first.token);
    });

    it('makes a token file that was opened up private again', () => {
        const { path } = loadAdminToken(config());
        chmodSync(path!, 0o644);
        loadAdminToken(config());
        expect(statSync(path!).mode & 0o777).to.equal(0o600);
    });

    it('uses admin.token when configured, and writes no file', () => {
        expect(loadAdminToken(config('configured-token-0123456789'))).to.deep.equal({ token: 'configured-token-0123456789', source: 'config' });
        expect(readAdminToken(config('configured-token-0123456789'))).to.equal('configured-token-0123456789');
        expect(readAdminToken(config())).to.equal(undefined);
    });

    it('generates a new token when the file is empty (e.g. left by a crash)', () => {
        loadAdminToken(config());
        writeFileSync(join(dataDir, ADMIN_TOKEN_FILE), '\n', { mode: 0o644 });
        expect(readAdminToken(config())).to.equal(undefined);
        const fresh = loadAdminToken(config());
        expect(fresh.source).to.equal('generated');
        expect(readAdminToken(config())).to.equal(fresh.token);
        expect(statSync(fresh.path!).mode & 0o777).to.equal(0o600);
    });
});
