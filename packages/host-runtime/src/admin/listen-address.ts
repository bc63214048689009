import { isIP } from 'node:net';

/** The default admin host: loopback only, since the API can trigger polls and has no authentication. */
export const DEFAULT_ADMIN_HOST = '127.0.0.1';

/** A parsed `host:port` listen string. */
export interface ListenAddress {
    host: string;
    /** 0 picks a free port (tests). */
    port: number;
}

/**
 * Parses an admin `listen` string: `host:port`, `[ipv6]:port`, `:port` or `port` (both loopback). Throws a
 * readable error for anything else.
 */
export function parseListenAddress(listen: string): ListenAddress {
    const text = listen.trim();
    const match = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]*)):(\d+)$/i.exec(text) ?? /^()()(\d+)$/.exec(text);
    if (match === null) throw new Error(`admin listen address '${listen}' must be 'host:port', e.g. '127.0.0.1:9464'`);
    const host = match[1] || match[2] || DEFAULT_ADMIN_HOST;
    const port = Number(match[3]);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
        throw new Error(`admin listen port ${match[3]} is not between 0 and 65535`);
    return { host, port };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
    if (host === 'localhost') return true;
    if (isIP(host) === 4) return host.startsWith('127.');
    return host === '::1';
}

/** `http://host:port`, IPv6 hosts bracketed. */
export function formatUrl(host: string, port: number): string {
    return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
