import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** How long a console session lasts without use. */
const SESSION_IDLE_MS = 12 * 3_600_000;
/** How long the one-time login link printed at start stays valid. */
const LOGIN_CODE_TTL_MS = 24 * 3_600_000;

interface Session {
    lastSeen: number;
}

/**
 * Who may use the admin listener: API clients with `Authorization: Bearer <token>`, browsers with a session
 * cookie obtained by logging in with the token or with a one-time login code. Also decides which `Host` names
 * are ours (a DNS-rebinding page reaches us under its own name) and which `Origin`s are.
 */
export class AdminAccess {
    private readonly tokenDigest: Buffer;
    private readonly sessions = new Map<string, Session>();
    private readonly codes = new Map<string, number>();
    private readonly hosts: Set<string>;
    /** Listening on every address (0.0.0.0, ::): any IP literal names this listener. */
    private readonly wildcard: boolean;
    private readonly now: () => number;

    constructor(
        token: string,
        options: { listenHost: string; allowedHosts: readonly string[]; now?: () => number }
    ) {
        this.tokenDigest = digest(token);
        this.now = options.now ?? Date.now;
        const listen = normaliseHost(options.listenHost);
        this.wildcard = listen === '0.0.0.0' || listen === '::';
        // Loopback literals always: a health check or a published container port reaches us as 127.0.0.1.
        this.hosts = new Set([listen, 'localhost', '127.0.0.1', '::1', ...options.allowedHosts.map(normaliseHost)]);
    }

    /** Whether `token` is the admin token (compared in constant time). */
    checkToken(token: string): boolean {
        return timingSafeEqual(digest(token), this.tokenDigest);
    }

    /** A new session id for a browser that proved it has the token. */
    openSession(): string {
        const id = randomBytes(32).toString('base64url');
        this.sessions.set(id, { lastSeen: this.now() });
        return id;
    }

    /** Whether the session exists and is fresh; a use keeps it alive. */
    checkSession(id: string | undefined): boolean {
        if (id === undefined) return false;
        const session = this.sessions.get(id);
        if (session === undefined) return false;
        if (this.now() - session.lastSeen > SESSION_IDLE_MS) {
            this.sessions.delete(id);
            return false;
        }
        session.lastSeen = this.now();
        return true;
    }

    closeSession(id: string | undefined): void {
        if (id !== undefined) this.sessions.delete(id);
    }

    /** A code for the login link printed at start; it logs one browser in, once. */
    issueLoginCode(): string {
        const code = randomBytes(24).toString('base64url');
        this.codes.set(code, this.now() + LOGIN_CODE_TTL_MS);
        return code;
    }

    /** Uses up a login code; false when unknown, used or expired. */
    redeemLoginCode(code: string): boolean {
        const expires = this.codes.get(code);
        this.codes.delete(code);
        return expires !== undefined && expires > this.now();
    }

    /**
     * Whether a `Host` header names this listener (port ignored): the listen address, `localhost`, a loopback
     * address, a name in `admin.allowedHosts`, or (when listening on every address) any IP address. A DNS-rebinding
     * page reaches us under a host *name* of its own, never under an IP literal, so IP literals are safe.
     */
    acceptsHost(hostHeader: string | undefined): boolean {
        if (hostHeader === undefined || hostHeader === '') return false;
        const host = normaliseHost(stripPort(hostHeader));
        return this.hosts.has(host) || (this.wildcard && isIP(host) !== 0);
    }

    /** Whether an `Origin` header is this listener as the browser reached it (same scheme-less host and port). */
    static sameOrigin(origin: string, hostHeader: string | undefined): boolean {
        try {
            return new URL(origin).host.toLowerCase() === (hostHeader ?? '').toLowerCase();
        } catch {
            return false;
        }
    }

    /** A short, stable, non-secret name of a session for audit lines. */
    static sessionLabel(id: string): string {
        return `console session ${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
    }
}

function digest(text: string): Buffer {
    return createHash('sha256').update(text, 'utf8').digest();
}

function stripPort(host: string): string {
    if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
    const colon = host.lastIndexOf(':');
    return colon > 0 && isIP(host) !== 6 ? host.slice(0, colon) : host;
}

function normaliseHost(host: string): string {
    return host.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}
