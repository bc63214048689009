import { ConnectorError } from '../connector-error.js';

// Query parameters whose values are never shown, even in errors about the request.
const SECRET_PARAM = /pass|secret|token|key|auth|credential|session|signature/i;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for hosts that never leave the machine, where plain `http://` is acceptable (test servers). */
export function isLoopbackHost(hostname: string): boolean {
    return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname.endsWith('.localhost');
}

/**
 * Checks a client's base URL: absolute, `https:` (plain `http:` only on loopback), without credentials (they
 * belong in `auth`). Returns it normalised with a trailing slash so relative paths resolve under it.
 */
export function parseBaseUrl(baseUrl: string): URL {
    let url: URL;
    try {
        url = new URL(baseUrl);
    } catch {
        throw new ConnectorError('config', `The base URL '${stripCredentials(baseUrl)}' is not a valid absolute URL`, {
            hint: 'Use the form https://host[:port], e.g. https://qualysapi.qualys.com'
        });
    }
    if (url.username !== '' || url.password !== '') {
        throw new ConnectorError('config', `The base URL '${displayUrl(url)}' contains credentials`, {
            hint: 'Remove user:password@ from the URL and give the credentials in the connector config'
        });
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
        throw new ConnectorError('config', `The base URL '${displayUrl(url)}' must use https`, {
            hint: `Use https://${url.host}${url.pathname === '/' ? '' : url.pathname}`
        });
    }
    url.search = '';
    url.hash = '';
    if (!url.pathname.endsWith('/')) {
        url.pathname += '/';
    }
    return url;
}

/**
 * The URL of one request: `path` resolved under `base` (or taken as is when absolute on the same origin),
 * with `query` added to its search parameters. Other origins are refused, since credentials go with it.
 */
export function resolveRequestUrl(base: URL, path: string, query?: Readonly<Record<string, string>>): URL {
    let url: URL;
    if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
        try {
            url = new URL(path);
        } catch {
            throw new ConnectorError('config', `The request URL '${stripCredentials(path)}' is not valid`);
        }
        if (url.origin !== base.origin) {
            throw new ConnectorError(
                'config',
                `Refusing to send a request to '${displayUrl(url)}': it is not on the client's origin ${base.origin}`,
                { hint: 'Requests may only go to the configured API server, so credentials never leave it' }
            );
        }
    } else {
        url = new URL(path.replace(/^\/+/, ''), base);
    }
    for (const [name, value] of Object.entries(query ?? {})) {
        url.searchParams.append(name, value);
    }
    return url;
}

/** `url` for messages and logs: no user info, and the values of secret-looking query parameters hidden. */
export function displayUrl(url: URL): string {
    const shown = new URL(url.href);
    shown.username = '';
    shown.password = '';
    for (const name of new Set(shown.searchParams.keys())) {
        if (SECRET_PARAM.test(name)) {
            shown.searchParams.set(name, 'REDACTED');
        }
    }
    return shown.href;
}

/** Best effort for strings that may not parse as URLs: drops any `user:pass@`. */
export function stripCredentials(text: string): string {
    return text.replace(/\/\/[^/@\s]*@/g, '//');
}
