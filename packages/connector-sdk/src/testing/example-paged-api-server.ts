import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link startExamplePagedApiServer}. */
export interface ExamplePagedApiServerOptions {
    username?: string;
    password?: string;
    /** How many items the API holds (default 25). */
    itemCount?: number;
}

/** One item of the example API. */
export interface ExampleItem {
    id: string;
    name: string;
    updatedAt: string;
}

/** A running example API; see {@link startExamplePagedApiServer}. */
export interface ExamplePagedApiServer {
    /** `http://127.0.0.1:<port>` */
    readonly url: string;
    readonly username: string;
    readonly password: string;
    /** Paths of the requests served so far, e.g. `/api/items?limit=10`. */
    readonly requests: string[];
    /** Makes the next `times` requests answer `status` (to test error handling). */
    failNext(status: number, times?: number): void;
    /** Forgets pending failures and the recorded requests. */
    reset(): void;
    close(): Promise<void>;
}

/**
 * Starts the tiny JSON API the example connector polls, on a free loopback port. HTTP Basic auth on every
 * route; `GET /api/me` answers who is signed in; `GET /api/items?after=<id>&limit=<n>` returns the items after
 * `after` in id order, as `{ items, hasMore }`. The data is fixed, so polls are repeatable.
 */
export async function startExamplePagedApiServer(
    options: ExamplePagedApiServerOptions = {}
): Promise<ExamplePagedApiServer> {
    const username = options.username ?? 'reader';
    const password = options.password ?? 'Ex4mple-Pa55"word';
    const items: ExampleItem[] = Array.from({ length: options.itemCount ?? 25 }, (_, i) => ({
        id: `item-${String(i + 1).padStart(4, '0')}`,
        name: `Item ${i + 1}`,
        updatedAt: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString()
    }));
    const requests: string[] = [];
    const failures: number[] = [];
    const expectedAuth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

    const handle = (request: IncomingMessage, response: ServerResponse): void => {
        requests.push(request.url ?? '');
        const url = new URL(request.url ?? '/', 'http://localhost');
        const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
            response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
        };
        const failure = failures.shift();
        if (failure !== undefined) return send(failure, { error: `injected failure ${failure}` });
        if (request.headers.authorization !== expectedAuth) {
            return send(401, { error: 'bad credentials' }, { 'www-authenticate': 'Basic realm="example"' });
        }
        if (request.method === 'GET' && url.pathname === '/api/me') return send(200, { username });
        if (request.method === 'GET' && url.pathname === '/api/items') {
            const after = url.searchParams.get('after') ?? '';
            const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 10) || 10, 1), 1000);
            const rest = items.filter(item => item.id > after);
            return send(200, { items: rest.slice(0, limit), hasMore: rest.length > limit });
        }
        send(404, { error: 'no such route' });
    };

    const server = createServer(handle);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        username,
        password,
        requests,
        failNext: (status, times = 1) => failures.push(...Array<number>(times).fill(status)),
        reset: () => {
            failures.length = 0;
            requests.length = 0;
        },
        close: () =>
            new Promise<void>((resolve, reject) => {
                server.closeAllConnections();
                server.close(error => (error ? reject(error) : resolve()));
            })
    };
}
