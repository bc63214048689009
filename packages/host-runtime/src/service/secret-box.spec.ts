import { expect } from 'chai';
import { SecretBox, SecretBoxError } from './secret-box.js';

const KEY = 'k3y-material-from-openssl-rand-base64-32=';
const SECRETS = { password: 'Pa55-w0rd-that-must-not-leak', 'proxy.password': 'pr0xy-Secret-99' };

/** The sealed value's bytes after the format prefix: iv (12) | tag (16) | ciphertext. */
function payload(sealed: string): Buffer {
    return Buffer.from(sealed.slice(sealed.indexOf(':') + 1), 'base64');
}

describe('SecretBox', () => {
    it('opens what it sealed (AES-256-GCM round trip), with a fresh IV each time', () => {
        const box = new SecretBox(KEY);
        const first = box.seal('qualys-prod', SECRETS);
        const second = box.seal('qualys-prod', SECRETS);

        expect(box.open('qualys-prod', first)).to.deep.equal(SECRETS);
        expect(new SecretBox(KEY).open('qualys-prod', second)).to.deep.equal(SECRETS);
        expect(first).to.match(/^v1:[A-Za-z0-9+/=]+$/);
        expect(first).to.not.equal(second);
        expect(payload(first).subarray(0, 12).equals(payload(second).subarray(0, 12))).to.equal(false);
    });

    it('keeps no plaintext in the stored bytes, in any encoding', () => {
        const sealed = new SecretBox(KEY).seal('qualys-prod', SECRETS);
        const bytes = Buffer.concat([Buffer.from(sealed), payload(sealed)]);
        for (const secret of Object.values(SECRETS)) {
            for (const form of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')]) {
                expect(bytes.includes(Buffer.from(form)), form).to.equal(false);
            }
        }
        expect(sealed).to.not.contain('password');
    });

    it('refuses another key with a message that says what to do, and never shows the secret', () => {
        const sealed = new SecretBox(KEY).seal('qualys-prod', SECRETS);

        let caught: unknown;
        try {
            new SecretBox('another-key-of-sufficient-length-xyz').open('qualys-prod', sealed);
        } catch (error) {
            caught = error;
        }
        expect(caught).to.be.instanceOf(SecretBoxError);
        expect((caught as Error).message).to.contain("'qualys-prod'").and.contain('admin.secretKey').and.contain('enter the secrets again');
        expect((caught as Error).message).to.not.contain(SECRETS.password);
    });

    it('refuses a tampered ciphertext, tag or IV instead of returning garbage', () => {
        const box = new SecretBox(KEY);
        const sealed = box.seal('qualys-prod', SECRETS);
        for (const offset of [0, 12, 28, payload(sealed).length - 1]) {
            const bytes = payload(sealed);
            bytes[offset] ^= 0x01;
            expect(() => box.open('qualys-prod', `v1:${bytes.toString('base64')}`), `byte ${offset}`).to.throw(SecretBoxError);
        }
        const truncated = payload(sealed).subarray(0, 20).toString('base64');
        expect(() => box.open('qualys-prod', `v1:${truncated}`)).to.throw(SecretBoxError);
    });

    it('binds each value to its instance: a sealed value copied onto another instance does not open', () => {
        const box = new SecretBox(KEY);
        const sealed = box.seal('qualys-prod', SECRETS);

        expect(() => box.open('qualys-test', sealed)).to.throw(SecretBoxError, /'qualys-test'/);
    });

    it('refuses a value in an unknown format', () => {
        const box = new SecretBox(KEY);
        expect(() => box.open('qualys-prod', 'plain text')).to.throw(SecretBoxError, /unknown format/);
        expect(() => box.open('qualys-prod', `v2:${payload(box.seal('qualys-prod', SECRETS)).toString('base64')}`)).to.throw(
            SecretBoxError,
            /unknown format/
        );
    });
});
