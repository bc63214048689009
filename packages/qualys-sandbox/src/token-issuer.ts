import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a presented token turned out to be. */
export type TokenCheck = 'valid' | 'expired' | 'revoked' | 'invalid';

/** Default token lifetime: the four hours Qualys documents for gateway tokens. */
export const DEFAULT_TOKEN_LIFETIME_SEC = 4 * 3600;

/**
 * Issues and checks the JWTs of the sandbox gateway (`POST /auth`), modelled on Qualys' documentation: an HS256
 * JWT for the user, valid `lifetimeSec` (four hours by default) on the wall clock. The key is random per
 * sandbox, so tokens never outlive it. `revokeAll` invalidates every token issued so far, as an administrator's
 * change on the Qualys side would, so a client's refresh on a 401 can be exercised.
 */
export class TokenIssuer {
    private readonly key = randomBytes(32);
    private revokedBeforeMs = 0;
    private issuedCount = 0;
    private rejectedCount = 0;

    constructor(readonly lifetimeSec = DEFAULT_TOKEN_LIFETIME_SEC) {}

    /** Tokens issued so far. */
    get issued(): number {
        return this.issuedCount;
    }

    /** Bearer tokens refused so far (expired, revoked or invalid). */
    get rejected(): number {
        return this.rejectedCount;
    }

    /** A new token for `username`. */
    issue(username: string): string {
        this.issuedCount += 1;
        const nowMs = Date.now();
        const claims = {
            iss: 'qualys-sandbox',
            sub: username,
            iat: Math.floor(nowMs / 1000),
            // Milliseconds beside the standard claims, so a revocation in the same second is exact.
            iatMs: nowMs,
            exp: Math.floor(nowMs / 1000) + this.lifetimeSec,
            jti: randomBytes(8).toString('hex')
        };
        const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
        return `${body}.${this.sign(body)}`;
    }

    /** Checks a presented token for `username`; counts refusals. */
    check(token: string, username: string): TokenCheck {
        const result = this.verify(token, username);
        if (result !== 'valid') this.rejectedCount += 1;
        return result;
    }

    /** Invalidates every token issued until now. */
    revokeAll(): void {
        this.revokedBeforeMs = Date.now() + 1;
    }

    private verify(token: string, username: string): TokenCheck {
        const parts = token.split('.');
        if (parts.length !== 3) return 'invalid';
        const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
        const given = Buffer.from(parts[2]);
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
        let claims: { sub?: unknown; exp?: unknown; iatMs?: unknown };
        try {
            claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as typeof claims;
        } catch {
            return 'invalid';
        }
        if (claims.sub !== username) return 'invalid';
        if (typeof claims.iatMs !== 'number' || claims.iatMs < this.revokedBeforeMs) return 'revoked';
        if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return 'expired';
        return 'valid';
    }

    private sign(body: string): string {
        return createHmac('sha256', this.key).update(body).digest('base64url');
    }
}

function encode(value: object): string {
    return Buffer.from(JSON.stringify(value)).toString('base64url');
}
