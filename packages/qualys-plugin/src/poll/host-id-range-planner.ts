import { QualysEndpoint } from '../client/qualys-api-client.js';
import { parseHostIdList } from '../xml/index.js';
import { HostIdSample, planHostIdRanges, usableConcurrency } from './host-id-ranges.js';
import type { HostDetectionsCheckpoint, HostIdDistribution, HostIdRangeCursor } from './qualys-checkpoint.js';
import type { QualysPollRun } from './qualys-poll-run.js';
import { retryCall } from './retry-call.js';

/** Concurrent calls assumed when Qualys has not said its limit: the Standard service level's 2. */
const DEFAULT_CONCURRENCY_LIMIT = 2;

/** The host id ranges of a detection window, and how many of them are read at a time. */
export interface DetectionRangePlan {
    ranges: HostIdRangeCursor[];
    /** Ranges read side by side (the others start as those end). */
    concurrency: number;
}

/**
 * How a detection window is read. A window an earlier poll left unfinished keeps its ranges (`resumed`), whatever
 * the concurrency is now. A new window gets as many ranges as the usable concurrency of the host detection API
 * ({@link usableConcurrency}: the limit Qualys said, which the limiter shared by the subscription's instances
 * learnt, else the one the checkpoint remembers, else the host list API's, else 2), split from the host ids the
 * last completed window delivered, else (a first sync) from the host list (ids only), else one range. A tenant too
 * small for several ranges of `minHostsPerRange` hosts gets one range; so does a failed host list call (logged:
 * the window is then read sequentially, as it always was).
 */
export async function planDetectionRanges(
    run: QualysPollRun,
    checkpoint: HostDetectionsCheckpoint,
    resumed: HostIdRangeCursor[] | undefined
): Promise<DetectionRangePlan> {
    const { config, ctx, tuning } = run;
    const setting = config.maxConcurrentPages;
    const said = (): number | undefined =>
        run.api.concurrencyLimit?.(QualysEndpoint.hostDetection) ?? checkpoint.concurrencyLimit;
    if (resumed !== undefined) {
        return { ranges: resumed, concurrency: usableConcurrency(said() ?? DEFAULT_CONCURRENCY_LIMIT, setting) };
    }
    const single: DetectionRangePlan = { ranges: [{}], concurrency: 1 };
    const known = said();
    if (setting === 1 || (known !== undefined && usableConcurrency(known, setting) === 1)) return single;
    let distribution = checkpoint.hostIds;
    if (distribution === undefined) {
        try {
            distribution = await hostListDistribution(run);
        } catch (error) {
            ctx.signal.throwIfAborted();
            ctx.logger.warn(
                'qualys: could not read the host list to split the detection window; reading it in one range',
                { error }
            );
            return single;
        }
    }
    // A subscription's APIs share its service level: the host list's limit stands in until detections said theirs.
    const limit = said() ?? run.api.concurrencyLimit?.(QualysEndpoint.hostList) ?? DEFAULT_CONCURRENCY_LIMIT;
    const concurrency = usableConcurrency(limit, setting);
    const ranges = planHostIdRanges(distribution, concurrency, tuning.minHostsPerRange);
    return { ranges, concurrency: Math.min(concurrency, ranges.length) };
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
