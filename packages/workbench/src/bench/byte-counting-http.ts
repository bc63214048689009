import { pipeline, Transform } from 'node:stream';
import type {
    HttpClient,
    HttpClientFactory,
    HttpClientOptions,
    HttpRequest,
    HttpResponse,
    HttpStreamResponse
} from '@signal-connectors/connector-sdk';

/**
 * Wraps the host's HTTP client factory to count the response body bytes each endpoint delivered to the
 * connector (for the MB/s of host detection XML). Streamed bodies pass through a counting Transform joined with
 * `pipeline`, so errors still reach the reader and destroying the body still releases the socket.
 */
export class ByteCountingHttpFactory implements HttpClientFactory {
    /** Body bytes by endpoint label (`host_detection`, `knowledge_base`, ...). */
    readonly bytes = new Map<string, number>();

    constructor(private readonly inner: HttpClientFactory) {}

    create(options: HttpClientOptions): HttpClient {
        const client = this.inner.create(options);
        return {
            request: async (request: HttpRequest): Promise<HttpResponse> => {
                const response = await client.request(request);
                this.add(request, Buffer.byteLength(response.body));
                return response;
            },
            stream: async (request: HttpRequest): Promise<HttpStreamResponse> => {
                const response = await client.stream(request);
                const counter = new Transform({
                    transform: (chunk: Buffer, _encoding, callback) => {
                        this.add(request, chunk.length);
                        callback(null, chunk);
                    }
                });
                // The callback only swallows the error pipeline also hands to `counter`, whose reader sees it.
                return { ...response, body: pipeline(response.body, counter, () => undefined) };
            }
        };
    }

    /** Bytes received from one endpoint. */
    total(endpoint: string): number {
        return this.bytes.get(endpoint) ?? 0;
    }

    private add(request: HttpRequest, bytes: number): void {
        const endpoint = request.endpoint ?? request.path;
        this.bytes.set(endpoint, this.total(endpoint) + bytes);
    }
}
