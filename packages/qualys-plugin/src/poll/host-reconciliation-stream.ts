import type { Artifact, PollBatch } from '@signal-connectors/connector-sdk';
import { fromQualysTime, toQualysTime } from '../model/qualys-time.js';
import { VulnerabilityFindingMapper } from '../ocsf/index.js';
import { pageHostDetections } from './host-detection-pager.js';
import { hostDetectionParams } from './host-detections-stream.js';
import { mapHostFindings, qidsOf } from './host-findings.js';
import { DeliveredHosts, HostLedger } from './host-ledger.js';
import { reconcileHosts } from './host-reconciliation.js';
import { type HostReconciliationCheckpoint, QualysStream } from './qualys-checkpoint.js';
import type { QualysPollRun } from './qualys-poll-run.js';

/**
 * The `host_reconciliation` stream: once every `hostReconciliationInterval` (a day by default), Qualys' host list
 * (ids only) is compared with the hosts whose findings this instance delivered (the host ledger, in the state
 * database), page by page (see `reconcileHosts`). A host gone (purged by a user or a purge rule) becomes a
 * `qualys.host_removed` artifact and an OCSF Close update for each of its open findings; a host found removed
 * earlier that is listed again becomes `qualys.host_returned`, and its findings are read again (host detections
 * by `ids`) and delivered as Qualys holds them now. The checkpoint holds the run's start and the next host id, so
 * an interrupted run resumes where it stopped; the ledger is updated only after each batch was delivered. A poll
 * before the next run is due delivers nothing.
 */
export async function* pollHostReconciliation(
    run: QualysPollRun,
    checkpoint: HostReconciliationCheckpoint
): AsyncGenerator<PollBatch<HostReconciliationCheckpoint>> {
    const { config, ctx, tuning } = run;
    const last = fromQualysTime(checkpoint.lastCompletedAt);
    if (
        checkpoint.run === undefined &&
        last !== undefined &&
        run.pollStart - last < config.hostReconciliationIntervalMs
    ) {
        return;
    }
    const startedAt = checkpoint.run?.startedAt ?? toQualysTime(run.pollStart);
    const ledger = new HostLedger(ctx.store);
    const found = { hostsRemoved: 0, findingsClosed: 0, hostsReturned: 0, completed: false };
    run.summary.reconciliation = found;
    ctx.logger.info('qualys: host reconciliation', { startedAt, resumedFromHostId: checkpoint.run?.fromId });
    const batches = reconcileHosts({
        fetchHostList: (params, signal) => run.api.fetchHostList(params, signal),
        ledger,
        source: run.source,
        startedAt,
        fromId: checkpoint.run?.fromId ?? 0,
        pageSize: tuning.hostListPageSize,
        maxArtifacts: tuning.reconciliationBatchArtifacts,
        closedAs: config.removedHostStatus,
        signal: ctx.signal
    });
    for await (const batch of batches) {
        ctx.signal.throwIfAborted();
        const again = await findingsOf(run, batch.returned, startedAt);
        const artifacts = [...batch.artifacts, ...again.artifacts];
        found.hostsRemoved += batch.removed.length;
        found.hostsReturned += batch.returned.length;
        found.findingsClosed += batch.artifacts.filter(
            artifact => artifact.type === 'ocsf.vulnerability_finding'
        ).length;
        const done = batch.nextFromId === undefined;
        const next: HostReconciliationCheckpoint = done
            ? { version: 2, lastCompletedAt: startedAt }
            : {
                  version: 2,
                  ...(checkpoint.lastCompletedAt === undefined ? {} : { lastCompletedAt: checkpoint.lastCompletedAt }),
                  run: { startedAt, fromId: batch.nextFromId! }
              };
        if (batch.removed.length > 0 || batch.returned.length > 0) {
            ctx.logger.info('qualys: hosts removed from or back in Qualys', {
                removed: batch.removed.length,
                returned: batch.returned.length
            });
        }
        yield { stream: QualysStream.hostReconciliation, artifacts, checkpoint: next, progress: run.progress() };
        await batch.commit();
        await ledger.record(again.delivered);
        await again.persist();
        found.completed = done;
    }
}

/**
 * The current findings of hosts back in Qualys (and the KnowledgeBase entries they introduce), read by host
 * detections with `ids`, whatever their processing time: they were closed when the hosts went away. `delivered`
 * is what the ledger records of them (`seen`: the reconciliation's start); `persist` caches the new KnowledgeBase
 * entries. Record and persist once the artifacts were delivered.
 */
async function findingsOf(
    run: QualysPollRun,
    hostIds: readonly number[],
    seen: string
): Promise<{ artifacts: Artifact[]; delivered: DeliveredHosts; persist: () => Promise<void> }> {
    const delivered = new DeliveredHosts(seen);
    if (hostIds.length === 0) return { artifacts: [], delivered, persist: async () => undefined };
    const { config, ctx, tuning } = run;
    const kb = config.kbEnrichment ? run.knowledgeBase() : undefined;
    const artifacts: Artifact[] = [];
    const mapping = {
        mapper: new VulnerabilityFindingMapper(run.source),
        source: run.source,
        fallbackTime: toQualysTime(run.pollStart)
    };
    const chunks = pageHostDetections({
        streamHostDetections: (params, signal) => run.api.streamHostDetections(params, signal),
        baseParams: { ...hostDetectionParams(config), ids: hostIds.join(',') },
        window: { before: toQualysTime(run.pollStart) },
        signal: ctx.signal,
        clock: ctx.clock,
        logger: ctx.logger,
        chunkHosts: tuning.chunkHosts,
        chunkDetections: tuning.chunkDetections,
        maxAttempts: tuning.maxPageAttempts,
        onRetry: run.countRetry
    });
    for await (const chunk of chunks) {
        const { summaries, artifacts: kbArtifacts } =
            kb === undefined ? { summaries: new Map(), artifacts: [] } : await kb.resolve(chunk.hosts.flatMap(qidsOf));
        artifacts.push(...kbArtifacts);
        for (const parsed of chunk.hosts) {
            mapHostFindings(parsed, summaries, chunk.responseTime, mapping, artifacts, delivered);
        }
    }
    return { artifacts, delivered, persist: async () => kb?.persist() };
}
