import type { Agent as HttpAgent } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Agent as HttpsAgent } from 'node:https';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { getProxyForUrl } from 'proxy-from-env';
import { ConnectorError } from '../connector-error.js';
import { stripCredentials } from './request-url.js';

/** The proxy a client goes through, as far as logs and errors may know it. */
export interface ProxyChoice {
    /** The agents to hand to got; undefined when connecting directly. */
    agent?: { http?: HttpAgent; https?: HttpsAgent };
    /** `http://proxy:3128` without credentials, for messages; undefined when direct. */
    display?: string;
    /** Where the choice came from. */
    source: 'option' | 'environment' | 'none';
    /** The proxy password and username:password (decoded), for redaction. */
    secrets: string[];
}

/**
 * Picks the proxy for requests to `target`: the explicit `proxy` option, else the environment
 * (`HTTPS_PROXY`/`HTTP_PROXY`, lower or upper case, honouring `NO_PROXY`). `target` is the client's base URL:
 * every request of a client goes to that origin, so one choice serves them all.
 */
export function chooseProxy(target: URL, proxy: string | undefined, connectMs: number): ProxyChoice {
    const configured = proxy?.trim() ?? '';
    const fromEnv = configured === '' ? getProxyForUrl(target.href) : '';
    const raw = configured !== '' ? configured : fromEnv;
    if (raw === '') {
        return { source: 'none', secrets: [] };
    }
    const source = configured !== '' ? 'option' : 'environment';
    let url: URL;
    try {
        url = new URL(raw.includes('://') ? raw : `http://${raw}`);
    } catch {
        throw new ConnectorError('config', `The proxy URL '${stripCredentials(raw)}' is not valid`, {
            hint: 'Use the form http://[user:password@]proxy-host:port'
        });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new ConnectorError('config', `The proxy URL '${displayProxy(url)}' must use http or https`, {
            hint: 'Use the form http://[user:password@]proxy-host:port'
        });
    }
    const secrets = proxySecrets(url);
    // Keep-alive sockets through the proxy: paging APIs make many calls to one host in a row.
    const options = { proxy: url, keepAlive: true, keepAliveMsecs: 1000, maxSockets: 16, scheduling: 'lifo' as const };
    const agent =
        target.protocol === 'https:'
            ? { https: boundConnect(new HttpsProxyAgent(options), connectMs) }
            : { http: boundConnect(new HttpProxyAgent(options), connectMs) };
    return { agent, display: displayProxy(url), source, secrets };
}

type ConnectCallback = (error: Error | null, socket?: Duplex | null) => void;

/**
 * Bounds the proxy's CONNECT by the connect timeout. got's connect timers never see that phase (the agent
 * hands over an already connected socket), so hpagent's own `timeout` is set for it ('Proxy timeout'), and
 * cleared again on the tunnel so it does not linger as an idle timeout on the connection.
 */
function boundConnect<T extends HttpAgent>(agent: T, connectMs: number): T {
    const connect = agent.createConnection.bind(agent) as unknown as (
        options: object,
        callback: ConnectCallback
    ) => unknown;
    const bounded = (options: object, callback: ConnectCallback): void => {
        connect({ ...options, timeout: connectMs }, (error, socket) => {
            (socket as Socket | null | undefined)?.setTimeout?.(0);
            callback(error, socket);
        });
    };
    (agent as unknown as { createConnection: typeof bounded }).createConnection = bounded;
    return agent;
}

/** The proxy URL without user info. */
export function displayProxy(url: URL): string {
    return `${url.protocol}//${url.host}`;
}

function proxySecrets(url: URL): string[] {
    if (url.password === '') {
        return [];
    }
    const username = safeDecode(url.username);
    const password = safeDecode(url.password);
    // The password as typed and as decoded, and the pair as it travels in Proxy-Authorization.
    return [
        url.password,
        password,
        `${username}:${password}`,
        Buffer.from(`${username}:${password}`).toString('base64')
    ];
}

function safeDecode(text: string): string {
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}
