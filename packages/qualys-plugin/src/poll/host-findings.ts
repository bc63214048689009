import { type Artifact, type ArtifactSource, keepTextOnly } from '@signal-connectors/connector-sdk';
import type { KbSummary, ParsedHost } from '../model/index.js';
import { mapHostArtifact, type VulnerabilityFindingMapper } from '../ocsf/index.js';
import { DeliveredHosts } from './host-ledger.js';
import type { KnowledgeBaseEnricher } from './knowledge-base-enricher.js';

/** What mapping the hosts of a detection window needs besides each host and its KnowledgeBase summaries. */
export interface HostFindingsContext {
    mapper: VulnerabilityFindingMapper;
    source: ArtifactSource;
    /** The time of a detection without one, on a host never scanned, when its page sent no DATETIME. */
    fallbackTime: string;
    /** When the host ledger is on: the `seen` time it records for the hosts delivered. */
    ledgerSeen?: string;
}

/** A host's share of a batch, mapped already: its artifacts, and what the ledger records of it. */
export interface HostFindings {
    hostId: number;
    artifacts: Artifact[];
    /** Undefined when the ledger is off. */
    delivered?: DeliveredHosts;
}

/** A host as a chunk keeps it: its findings, or the host as parsed when they wait for a KnowledgeBase lookup. */
export type ChunkHost = { findings: HostFindings; parsed?: undefined } | { parsed: ParsedHost; findings?: undefined };

const NO_SUMMARIES: ReadonlyMap<number, KbSummary> = new Map();

/**
 * Maps a host's detections to findings (and its `qualys.host` artifact, for a cloud host), appending them to
 * `artifacts` and noting them in `delivered`. `responseTime` is the DATETIME of the host's page.
 */
export function mapHostFindings(
    { host, detections }: ParsedHost,
    summaries: ReadonlyMap<number, KbSummary>,
    responseTime: string | undefined,
    context: HostFindingsContext,
    artifacts: Artifact[],
    delivered: DeliveredHosts | undefined
): void {
    const { mapper, source } = context;
    const hostPart = mapper.host(host, responseTime ?? context.fallbackTime);
    const hostArtifact = mapHostArtifact(hostPart, source);
    if (hostArtifact) artifacts.push(hostArtifact);
    for (const detection of detections) {
        const finding = mapper.map(hostPart, detection, summaries.get(detection.qid));
        delivered?.add(finding.data);
        // The batch holds each finding as its text alone while it is delivered (see keepTextOnly).
        artifacts.push(keepTextOnly(finding));
    }
}

/**
 * What a chunk keeps of each host as it is read (see `pageHostDetections`): its findings, mapped at once, when
 * the KnowledgeBase summaries of all its QIDs are at hand (always, without enrichment), so its detection records
 * die young instead of waiting, with the rest of the chunk, for the chunk's lookup; else the host as parsed,
 * mapped once that lookup resolved. A host whose mapping fails is kept as parsed: the failure then surfaces where
 * the chunk is delivered, as for any other.
 */
export function hostKeeper(
    kb: Pick<KnowledgeBaseEnricher, 'summariesAtHand'> | undefined,
    context: HostFindingsContext
): (parsed: ParsedHost, responseTime: string | undefined) => ChunkHost {
    return (parsed, responseTime) => {
        const summaries = kb === undefined ? NO_SUMMARIES : kb.summariesAtHand(qidsOf(parsed));
        if (summaries === undefined) return { parsed };
        const artifacts: Artifact[] = [];
        const delivered = context.ledgerSeen === undefined ? undefined : new DeliveredHosts(context.ledgerSeen);
        try {
            mapHostFindings(parsed, summaries, responseTime, context, artifacts, delivered);
        } catch {
            return { parsed };
        }
        return { findings: { hostId: parsed.host.id, artifacts, delivered } };
    };
}

/** The QIDs of a host's detections. */
export function qidsOf(parsed: ParsedHost): number[] {
    return parsed.detections.map(detection => detection.qid);
}
