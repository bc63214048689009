import { isIPv4 } from 'node:net';
import { QUALYS_PLATFORM_IDENTIFICATION_URL, findPlatformByConsoleHost, suggestApiHost } from './qualys-platforms.js';

/** The outcome of {@link normaliseApiServer}: the API server's origin, or what is wrong and how to fix it. */
export type ApiServerCheck = { ok: true; baseUrl: string } | { ok: false; message: string; hint?: string };

/**
 * Turns what a user typed as the Qualys API server into an origin such as `https://qualysapi.qualys.com`.
 * Accepts a bare host name (`https://` is assumed) or an `https://` URL with at most a trailing `/`. Plain
 * `http://` is accepted only for loopback hosts (a local sandbox or test server), because the credentials go
 * with every request. Rejects the web console and gateway hosts with a hint naming the API server, and URLs
 * with credentials, paths, queries or fragments, since the connector builds every path itself.
 *
 * Messages never repeat user info from the URL: users paste `https://user:password@host` surprisingly often.
 */
export function normaliseApiServer(text: string, options: { checkRole?: boolean } = {}): ApiServerCheck {
    const trimmed = text.trim();
    if (trimmed === '') return { ok: false, message: 'must not be empty', hint: example() };
    const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
    let url: URL;
    try {
        url = new URL(hasScheme ? trimmed : `https://${trimmed}`);
    } catch {
        return { ok: false, message: 'is not a host name or URL', hint: example() };
    }
    if (url.username !== '' || url.password !== '') {
        return {
            ok: false,
            message: 'must not contain credentials',
            hint: `Write 'https://${url.host}' here and put the credentials in 'username' and 'password'`
        };
    }
    if (url.hostname === '') return { ok: false, message: 'has no host name', hint: example() };
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        return {
            ok: false,
            message: `must be an https:// URL, not ${url.protocol}//`,
            hint: `Use 'https://${url.host}'`
        };
    }
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
        return {
            ok: false,
            message: 'must use https: plain http:// would send the credentials unencrypted',
            hint: `Use 'https://${url.host}'`
        };
    }
    const rest = describeExtras(url);
    if (rest !== undefined) {
        return {
            ok: false,
            message: `must be only the server, without ${rest}`,
            hint: `Use '${url.origin}'; the connector adds the API paths itself`
        };
    }
    const wrongHost = options.checkRole === false ? undefined : checkHostRole(url.hostname);
    if (wrongHost) return { ok: false, ...wrongHost };
    return { ok: true, baseUrl: url.origin };
}

/** True for hosts that never leave the machine: 127.0.0.0/8, `localhost` and `[::1]`. */
export function isLoopback(hostname: string): boolean {
    const name = hostname.toLowerCase().replace(/\.$/, '');
    return (
        name === 'localhost' ||
        name.endsWith('.localhost') ||
        name === '[::1]' ||
        name === '::1' ||
        (isIPv4(name) && name.startsWith('127.'))
    );
}

/** What besides the origin a URL carries (a path, a query, a fragment), or undefined when nothing. */
function describeExtras(url: URL): string | undefined {
    const extras: string[] = [];
    if (url.pathname !== '/' && url.pathname !== '') extras.push(`a path ('${url.pathname}')`);
    // `search` and `hash` are '' for a bare '?' or '#', so look at the href itself.
    if (url.href.split('#')[0].includes('?')) extras.push('a query');
    if (url.href.includes('#')) extras.push('a fragment');
    return extras.length === 0 ? undefined : extras.join(' or ');
}

/** A problem when the host is a Qualys web console or gateway instead of the API server. */
function checkHostRole(hostname: string): { message: string; hint: string } | undefined {
    const suggestion = suggestApiHost(hostname);
    if (suggestion === undefined) return undefined;
    const isConsole = findPlatformByConsoleHost(hostname) !== undefined || hostname.startsWith('qualysguard.');
    const what = isConsole ? 'the Qualys web console' : 'the Qualys gateway (used by JWT APIs only)';
    return {
        message: `'${hostname}' is ${what}, not the API server`,
        hint: `Use the API server '${suggestion}' (see ${QUALYS_PLATFORM_IDENTIFICATION_URL})`
    };
}

function example(): string {
    return "Write the API server of your platform, e.g. 'qualysapi.qualys.com' or 'https://qualysapi.qg2.apps.qualys.com'";
}
