import { QualysEndpoint } from '../client/qualys-api-client.js';
import { parseHostIdList } from '../xml/index.js';
import { HostIdSample, planHostIdRanges, usableConcurrency } from './host-id-ranges.js';
import type { HostDetectionsCheckpoint, HostIdDistribution, HostIdRangeCursor } from './qualys-checkpoint.js';
import type { QualysPollRun } from './qualys-poll-run.js';
import { retryCall } from './retry-call.js';

/** Concurrent host detection calls assumed before Qualys has said its limit: the Standard service level's 2. */
const DEFAULT_CONCURRENCY_LIMIT = 2;

/**
 * The host id ranges a new detection window is fetched in, side by side: as many as the usable concurrency of the
 * host detection API ({@link usableConcurrency}; the shared limiter's knowledge of `X-Concurrency-Limit-Limit`),
 * split from the host ids the last completed window delivered, else (a first sync) from the host list (ids
 * only), else one range. A tenant too small for several ranges of `minHostsPerRange` hosts gets one range; so
 * does a failed host list call (logged: the window is then read sequentially, as it always was).
 */
export async function planDetectionRanges(
    run: QualysPollRun,
    checkpoint: HostDetectionsCheckpoint
): Promise<HostIdRangeCursor[]> {
    const { config, ctx, tuning } = run;
    const limit = run.api.concurrencyLimit?.(QualysEndpoint.hostDetection) ?? DEFAULT_CONCURRENCY_LIMIT;
    const count = usableConcurrency(limit, config.maxConcurrentPages);
    if (count === 1) return [{}];
    let distribution = checkpoint.hostIds;
    if (distribution === undefined) {
        try {
            distribution = await hostListDistribution(run);
        } catch (error) {
            ctx.signal.throwIfAborted();
            ctx.logger.warn('qualys: could not read the host list to split the detection window; reading it in one range', {
                error
            });
            return [{}];
        }
    }
    return planHostIdRanges(distribution, count, tuning.minHostsPerRange);
}

/** The host ids Qualys lists, read page by page with `details=None` (ids only, a few bytes per run of ids). */
async function hostListDistribution(run: QualysPollRun): Promise<HostIdDistribution> {
    const { ctx, tuning } = run;
    const sample = new HostIdSample();
    let idMin: number | undefined;
    for (;;) {
        const params: Record<string, string> = { details: 'None', truncation_limit: String(tuning.hostListPageSize) };
        if (idMin !== undefined) params.id_min = String(idMin);
        const page = await retryCall(
            'host list call',
            async () => parseHostIdList(await run.api.fetchHostList(params, ctx.signal)),
            { clock: ctx.clock, signal: ctx.signal, logger: ctx.logger, onRetry: run.countRetry }
        );
        for (const range of page.ranges) sample.addRange(range.min, range.max);
        if (page.nextIdMin === undefined) return sample.distribution();
        idMin = page.nextIdMin;
    }
}
