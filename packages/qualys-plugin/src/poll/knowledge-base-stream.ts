import type { PollBatch } from '@signal-connectors/connector-sdk';
import { type KnowledgeBaseCheckpoint, QualysStream } from './qualys-checkpoint.js';
import type { QualysPollRun } from './qualys-poll-run.js';
import { fromQualysTime, toQualysTime } from '../model/qualys-time.js';

/**
 * The `knowledge_base` stream: every `kbRefreshEveryMs` (6 h), the cached KnowledgeBase entries Qualys modified
 * since the last refresh (`last_modified_after`) are read again and their new versions delivered; the cache is
 * updated once they were. New QIDs are looked up as the `host_detections` stream meets them (it delivers those
 * entries with its findings), through the same cache. A poll before the refresh is due delivers nothing (but an
 * empty batch that commits a checkpoint `inherited` from before streams as the stream's own).
 */
export async function* pollKnowledgeBase(
    run: QualysPollRun,
    checkpoint: KnowledgeBaseCheckpoint,
    inherited = false
): AsyncGenerator<PollBatch<KnowledgeBaseCheckpoint>> {
    const last = fromQualysTime(checkpoint.refreshedAt);
    if (last !== undefined && run.pollStart - last < run.tuning.kbRefreshEveryMs) {
        if (inherited)
            yield { stream: QualysStream.knowledgeBase, artifacts: [], checkpoint, progress: run.progress() };
        return;
    }
    const kb = run.knowledgeBase();
    // A first poll has nothing cached to refresh: it only starts the clock.
    const artifacts = checkpoint.refreshedAt === undefined ? [] : await kb.refresh(checkpoint.refreshedAt);
    yield {
        stream: QualysStream.knowledgeBase,
        artifacts,
        checkpoint: { version: 2, refreshedAt: toQualysTime(run.pollStart) },
        progress: run.progress()
    };
    await kb.persist();
}
