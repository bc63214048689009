import type { Artifact, ArtifactSource } from '@signal-connectors/connector-sdk';
import type { KbSummary, KbVuln } from '../model/index.js';
import { isoTime } from './artifact-time.js';
import { withoutUndefined } from './compact-json.js';
import { stableId } from './stable-id.js';

/** Artifact `type` of a KnowledgeBase entry. */
export const KNOWLEDGE_BASE_ARTIFACT_TYPE = 'qualys.knowledge_base_vuln';

/**
 * The artifact id of one version of a KnowledgeBase entry: `qkb_` + a hash of the connector, the instance, the
 * QID and its `LAST_SERVICE_MODIFICATION_DATETIME` (else its publication time). The poller caches entries per
 * subscription (API server and user), so each version goes out once per subscription, from the instance that
 * first needed it; the instance in the id keeps entries of different subscriptions apart.
 */
export function kbArtifactId(vuln: KbSummary, source: ArtifactSource): string {
    return stableId('qkb_', [
        source.connector,
        source.instance,
        'kb',
        vuln.qid,
        vuln.lastServiceModified || vuln.published || null
    ]);
}

/**
 * Maps a full KnowledgeBase entry (long texts included) to an artifact. Emitted once per QID version, so the
 * diagnosis, consequence and solution travel once instead of with every finding; a finding names its QID in
 * `finding_info.analytic.uid` and the version in `unmapped.qualys.kb.lastServiceModified`. `time` is the last
 * service modification, else publication (this is why a KB artifact can be older than the poll that sent it).
 */
export function mapKbVuln(vuln: KbVuln, source: ArtifactSource): Artifact<KbVuln> {
    return {
        id: kbArtifactId(vuln, source),
        type: KNOWLEDGE_BASE_ARTIFACT_TYPE,
        time: isoTime(vuln.lastServiceModified, vuln.published),
        source,
        data: withoutUndefined(vuln)
    };
}

/**
 * The compact part of a KnowledgeBase entry cached per QID to enrich every finding: everything but the long
 * texts and the unmodelled elements.
 */
export function toKbSummary(vuln: KbVuln): KbSummary {
    const {
        diagnosis: _diagnosis,
        consequence: _consequence,
        solution: _solution,
        unmapped: _unmapped,
        ...summary
    } = vuln;
    return withoutUndefined(summary);
}
