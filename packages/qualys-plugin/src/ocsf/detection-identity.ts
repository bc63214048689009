import type { QualysDetection, QualysHost } from '../model/index.js';
import { stableId } from './stable-id.js';

/*
 * Two identities per detection:
 * - the detection key (`qvk_` + 32 hex): which detection this is. Stable across every update, it is the OCSF
 *   `finding_info.uid` a consumer upserts on.
 * - the artifact id (`qvd_` + 32 hex): which version of that detection this is. The same record redelivered
 *   (at-least-once) gets the same id; a changed record gets a new one.
 */

/** Empty text counts as absent, so `<FQDN/>` and a missing FQDN give the same key. */
function present(text: string | undefined): string | null {
    return text ? text : null;
}

/**
 * The stable key of a detection: a hash of the connector instance, the Qualys host ID, the QID, port, protocol,
 * SSL flag, FQDN and Qualys `INSTANCE` (the tuple Qualys itself treats as one detection). Protocol and FQDN are
 * compared case-insensitively, as DNS names and `tcp`/`TCP` are. The result is `qvk_` + 32 hex digits.
 */
export function detectionKey(instanceId: string, host: QualysHost, detection: QualysDetection): string {
    return stableId('qvk_', [
        instanceId,
        host.id,
        detection.qid,
        detection.port ?? null,
        present(detection.protocol?.toLowerCase()),
        detection.ssl,
        present(detection.fqdn?.toLowerCase()),
        present(detection.instance)
    ]);
}

/**
 * The version of a detection: its last update time, falling back to last processed, then last found (the first
 * of them Qualys sent), then `fallback` (the host's last scan, for detections that carry no date). Empty when
 * none is known.
 */
export function detectionVersion(detection: QualysDetection, fallback?: string): string {
    return detection.lastUpdate || detection.lastProcessed || detection.lastFound || fallback || '';
}

/**
 * The artifact id of one version of a detection, from its key (see {@link detectionKey}). Besides the version
 * time it covers the status and the ignored/disabled flags: Qualys does not document whether ignoring or
 * disabling moves `LAST_UPDATE_DATETIME`, and a consumer that drops duplicates by id must never drop such a
 * change. A detection without any date is versioned by `fallbackVersion` (its host's last scan), so a re-scan
 * gives it a new id. The result is `qvd_` + 32 hex digits.
 */
export function detectionArtifactIdFromKey(key: string, detection: QualysDetection, fallbackVersion?: string): string {
    return stableId('qvd_', [
        key,
        detectionVersion(detection, fallbackVersion),
        detection.status ?? null,
        detection.isIgnored === true,
        detection.isDisabled === true
    ]);
}

/**
 * The artifact id of one version of a detection: a hash of {@link detectionKey} and the detection's last update
 * time (with status and ignored/disabled flags, see {@link detectionArtifactIdFromKey}). Redelivery gives the
 * same id; an updated detection a new one. The result is `qvd_` + 32 hex digits.
 */
export function detectionArtifactId(instanceId: string, host: QualysHost, detection: QualysDetection): string {
    return detectionArtifactIdFromKey(detectionKey(instanceId, host, detection), detection);
}
