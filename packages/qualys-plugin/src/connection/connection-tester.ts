import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import {
    ConnectorError,
    formatDuration,
    type ConnectionReport,
    type ConnectorContext,
    type HttpHeaders,
    type HttpResponseInfo,
    type RateLimitPolicy,
    type RateLimitVerdict
} from '@signal-connectors/connector-sdk';
import { gatewayTokenFor } from '../client/gateway-token-options.js';
import type { GatewayTokenRegistry } from '../client/gateway-token-registry.js';
import { QualysApiClient, QualysEndpoint } from '../client/qualys-api-client.js';
import { readLimitHeaders } from '../client/qualys-limit-headers.js';
import type { SubscriptionLimiterRegistry } from '../client/subscription-limiter-registry.js';
import type { SubscriptionRateLimiter } from '../client/subscription-rate-limiter.js';
import { findPlatformByApiHost, platformHint } from '../config/qualys-platforms.js';
import type { QualysConfig } from '../model/qualys-config.js';
import { documentRootName } from '../xml/xml-element.js';
import { SIMPLE_RETURN_ROOTS, parseSimpleReturn, simpleReturnToError } from '../xml/simple-return.js';
import { failureReport, type FailureSubject } from './connection-failure.js';

/**
 * Longest a connection test waits for an answer, in seconds. Far above the 20 s that made another
 * connector's test fail on every large tenant, but short enough for someone waiting at a form.
 */
export const CONNECTION_TEST_MAX_TIMEOUT_SECONDS = 120;

const EXPECTED_ROOT = 'HOST_LIST_VM_DETECTION_OUTPUT';
/** One host, no RESULTS, no information-gathered detections: the smallest call with poll's permission. */
const TEST_PARAMS: Record<string, string> = { truncation_limit: '1', show_results: '0', show_igs: '0' };
/** Enough to get past the XML prolog to the root element. */
const HEAD_CHARS = 16 * 1024;
/** Enough for a whole SIMPLE_RETURN. */
const SIMPLE_RETURN_CHARS = 64 * 1024;

/**
 * Tests reachability, credentials and permission with the call a poll depends on: one host detection page of
 * a single host without results. Checks that the answer is Qualys host detection XML, and reports the
 * subscription's rate and concurrency limits. The call goes through the subscription's shared limiter, so it
 * never adds to a block a poll is waiting out; a throttle is reported (with when to retry), not waited for.
 *
 * With token authentication the gateway login comes first, and a refused login is reported as such. The report
 * says which authentication was used.
 *
 * Never throws: every failure is `ok: false` with an `errorKind` and a hint.
 */
export async function testQualysConnection(
    config: QualysConfig,
    ctx: ConnectorContext,
    registry: SubscriptionLimiterRegistry,
    tokens?: GatewayTokenRegistry
): Promise<ConnectionReport> {
    const url = new URL(config.baseUrl);
    const host = url.host;
    const timeoutSeconds = Math.min(config.timeoutSeconds, CONNECTION_TEST_MAX_TIMEOUT_SECONDS);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const subject: FailureSubject = { host, port, viaProxy: config.proxy !== undefined, timeoutSeconds };
    const endpoint = QualysEndpoint.hostDetection;
    const limiter = registry.forSubscription(config.baseUrl, config.username);
    const blockedMs = limiter.blockedForMs(endpoint);
    if (blockedMs > 0) {
        const error = new ConnectorError('rate_limited', 'an earlier answer of Qualys blocks calls to it for now', {
            retryAfterMs: blockedMs
        });
        return failureReport(error, subject);
    }
    // A test is a call like any other: it never spends the floor of calls kept for people and other tools.
    const floorMs = limiter.floorWaitMs(endpoint);
    if (floorMs > 0) return failureReport(floorError(limiter.floor, floorMs, ctx.clock.now()), subject);

    const stopTimer = new AbortController();
    const started = ctx.clock.now();
    const token = tokens === undefined ? undefined : gatewayTokenFor(config, ctx, tokens, timeoutSeconds);
    if (token !== undefined) {
        try {
            await token.get(ctx.signal);
        } catch (error) {
            return tokenFailure(error, config, timeoutSeconds, ctx.clock.now() - started);
        }
    }
    try {
        const policy = new TestPolicy(limiter, endpoint, ctx, timeoutSeconds * 1000, stopTimer.signal);
        const client = new QualysApiClient(config, {
            token,
            http: ctx.http,
            logger: ctx.logger,
            rateLimitPolicy: policy,
            timeoutSeconds,
            // One attempt: a person is waiting, and the report says what to do about a failure.
            retry: { limit: 0 }
        });
        const response = await client.streamHostDetectionsResponse(TEST_PARAMS, ctx.signal);
        const head = await readHead(response.body);
        const latencyMs = ctx.clock.now() - started;
        if (head.root === EXPECTED_ROOT)
            return successReport(config, host, latencyMs, policy.headers ?? response.headers);
        const simpleReturn =
            head.root !== undefined && SIMPLE_RETURN_ROOTS.includes(head.root)
                ? parseSimpleReturn(head.text)
                : undefined;
        if (simpleReturn !== undefined)
            return failureReport(simpleReturnToError(simpleReturn, response.status), subject, latencyMs);
        const what = head.root === undefined ? 'not XML' : `XML with root element <${head.root}>`;
        const error = new ConnectorError('not_found', `${host} did not answer like a Qualys API server (${what})`, {
            hint: platformHint(host)
        });
        return failureReport(error, subject, latencyMs);
    } catch (error) {
        if (ctx.signal.aborted) {
            return {
                ok: false,
                errorKind: 'transient',
                message: 'The connection test was cancelled before Qualys answered'
            };
        }
        return failureReport(error, subject, ctx.clock.now() - started);
    } finally {
        stopTimer.abort();
    }
}

/**
 * The shared limiter, adapted to a test: waiting for a free slot is bounded by the test's timeout, and a
 * throttled answer fails the test with the wait Qualys asked for instead of sleeping through it (the limiter
 * still records the block, so polls of the same subscription honour it).
 */
class TestPolicy implements RateLimitPolicy {
    /** Headers of the last response, for the report. */
    headers?: HttpHeaders;
    private readonly slotDeadline = new AbortController();

    constructor(
        private readonly limiter: SubscriptionRateLimiter,
        private readonly endpoint: string,
        ctx: ConnectorContext,
        timeoutMs: number,
        stopTimer: AbortSignal
    ) {
        ctx.clock.sleep(timeoutMs, stopTimer).then(
            () => this.slotDeadline.abort(this.noSlotError(timeoutMs)),
            () => undefined
        );
    }

    acquire(endpoint: string, signal?: AbortSignal): Promise<() => void> {
        const deadline = this.slotDeadline.signal;
        return this.limiter.acquire(endpoint, signal === undefined ? deadline : AbortSignal.any([signal, deadline]));
    }

    review(response: HttpResponseInfo): RateLimitVerdict {
        this.headers = response.headers;
        const verdict = this.limiter.review(response);
        if (verdict.action !== 'retry') return verdict;
        const simpleReturn = response.body === undefined ? undefined : parseSimpleReturn(response.body);
        const qualysError = simpleReturn === undefined ? undefined : simpleReturnToError(simpleReturn, response.status);
        const error = new ConnectorError(
            'rate_limited',
            qualysError?.message ?? `HTTP ${response.status}: ${verdict.reason}`,
            {
                code: qualysError?.code ?? (verdict.reason.includes('1960') ? '1960' : undefined),
                status: response.status,
                retryAfterMs: verdict.afterMs
            }
        );
        return { action: 'fail', error };
    }

    private noSlotError(timeoutMs: number): ConnectorError {
        const state = this.limiter.snapshot(this.endpoint);
        if (state.running >= state.concurrencyLimit) {
            return new ConnectorError(
                'rate_limited',
                `no concurrent slot of the host detection API freed up within ${formatDuration(timeoutMs)}`,
                {
                    code: 'concurrency',
                    retryAfterMs: 60_000
                }
            );
        }
        return floorError(this.limiter.floor, this.limiter.floorWaitMs(this.endpoint), Date.now());
    }
}

/** A test that would spend the floor of calls kept for people and other tools: when it may run instead. */
function floorError(floor: number, waitMs: number, now: number): ConnectorError {
    return new ConnectorError(
        'rate_limited',
        `only the floor of ${floor} host detection calls, kept for people and other tools on this account, is left ` +
            `in the current rate window, until ${new Date(now + waitMs).toISOString()}`,
        { retryAfterMs: waitMs > 0 ? waitMs : undefined }
    );
}

/** A failed gateway login: the gateway's own words for a refusal, the network hints for anything else. */
function tokenFailure(
    error: unknown,
    config: QualysConfig,
    timeoutSeconds: number,
    latencyMs: number
): ConnectionReport {
    const gateway = new URL(config.gatewayUrl ?? config.baseUrl);
    if (ConnectorError.is(error) && error.kind === 'auth') {
        return {
            ok: false,
            latencyMs,
            errorKind: 'auth',
            message: `Token authentication failed: ${error.message}`,
            ...(error.hint === undefined ? {} : { hint: error.hint }),
            details: { authMethod: 'token', gateway: gateway.host }
        };
    }
    const port = gateway.port || (gateway.protocol === 'https:' ? '443' : '80');
    const subject = { host: gateway.host, port, viaProxy: config.proxy !== undefined, timeoutSeconds };
    const report = failureReport(error, subject, latencyMs);
    return { ...report, message: `Token authentication failed: ${report.message}`, details: { authMethod: 'token' } };
}

function successReport(config: QualysConfig, host: string, latencyMs: number, headers: HttpHeaders): ConnectionReport {
    const limits = readLimitHeaders(headers);
    const platform = findPlatformByApiHost(host);
    const where = platform === undefined ? host : `Qualys ${platform.id} (${host})`;
    const budget =
        limits.remaining !== undefined && limits.limit !== undefined
            ? `; ${limits.remaining} of ${limits.limit} calls left` +
              (limits.windowSec === undefined ? '' : ` per ${formatDuration(limits.windowSec * 1000)}`)
            : '';
    const slots = limits.concurrencyLimit === undefined ? '' : `, ${limits.concurrencyLimit} concurrent calls allowed`;
    const powered = headers['x-powered-by'];
    const pod = /^Qualys:([^:]+):/.exec(String(Array.isArray(powered) ? powered[0] : (powered ?? '')))?.[1];
    return {
        ok: true,
        latencyMs,
        message:
            `Connected to ${where} as ${config.username} (${config.authMethod === 'token' ? 'token' : 'Basic'} ` +
            `authentication): the host detection API answered${budget}${slots}`,
        details: {
            authMethod: config.authMethod,
            ...(config.gatewayUrl === undefined ? {} : { gateway: new URL(config.gatewayUrl).host }),
            rateLimit: { limit: limits.limit, remaining: limits.remaining, windowSec: limits.windowSec },
            concurrencyLimit: limits.concurrencyLimit,
            apiServer: host,
            platform: platform?.id ?? 'private cloud or custom',
            ...(pod === undefined ? {} : { pod })
        }
    };
}

/** Reads just enough of a body to know its root element (all of it for a SIMPLE_RETURN), then destroys it. */
async function readHead(body: Readable): Promise<{ root?: string; text: string }> {
    const decoder = new StringDecoder('utf8');
    let text = '';
    let root: string | undefined;
    try {
        for await (const chunk of body) {
            text += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
            root ??= documentRootName(text);
            const isError = root !== undefined && SIMPLE_RETURN_ROOTS.includes(root);
            if ((root !== undefined && !isError) || text.length >= (isError ? SIMPLE_RETURN_CHARS : HEAD_CHARS)) break;
        }
    } finally {
        body.destroy();
    }
    return { root: root ?? documentRootName(text), text };
}
