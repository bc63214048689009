import type { Artifact, ArtifactSource, Clock, KeyValueStore, Logger } from '@signal-connectors/connector-sdk';
import type { KbSummary, KbVuln } from '../model/index.js';
import { mapKbVuln, toKbSummary } from '../ocsf/index.js';
import { parseKnowledgeBase } from '../xml/index.js';
import { retryCall } from './retry-call.js';

/** QIDs per KnowledgeBase call: long `ids` lists go in a POST body, and a page of 500 entries stays small. */
const QIDS_PER_CALL = 500;

/** What the enricher needs from the outside. */
export interface KnowledgeBaseEnricherOptions {
    fetchKnowledgeBase(params: Record<string, string>, signal?: AbortSignal): Promise<string>;
    /** The plugin-scoped store: the cache survives polls and restarts and is shared by instances. */
    store: KeyValueStore;
    /** Separates subscriptions (platforms) in the shared store. */
    keyPrefix: string;
    source: ArtifactSource;
    signal: AbortSignal;
    logger: Logger;
    clock: Clock;
    /** Told about each retried call, for the run summary. */
    onRetry?: () => void;
    /** Summaries kept in memory; the rest are read back from the store (default 5,000). */
    memoryLimit?: number;
}

/** Counters for the run summary. */
export interface KnowledgeBaseStats {
    fetched: number;
    cached: number;
    artifacts: number;
}

/**
 * Looks up the KnowledgeBase entries of the QIDs a batch of detections refers to: from memory, then the
 * persistent cache, then Qualys (by `ids`, in batches). A freshly fetched entry's long texts go out once as
 * their own artifact; the cache is written only after the batch carrying that artifact was delivered
 * (`persist`), so a crash in between re-fetches rather than loses it.
 */
export class KnowledgeBaseEnricher {
    readonly stats: KnowledgeBaseStats = { fetched: 0, cached: 0, artifacts: 0 };
    private readonly memory = new Map<number, KbSummary>();
    private readonly unknownQids = new Set<number>();
    private pendingWrites: [string, KbSummary][] = [];
    private readonly memoryLimit: number;

    constructor(private readonly options: KnowledgeBaseEnricherOptions) {
        this.memoryLimit = options.memoryLimit ?? 5000;
    }

    /** Summaries for `qids` (absent for QIDs Qualys does not know) and the artifacts of newly fetched entries. */
    async resolve(qids: Iterable<number>): Promise<{ summaries: Map<number, KbSummary>; artifacts: Artifact[] }> {
        const summaries = new Map<number, KbSummary>();
        const missing: number[] = [];
        for (const qid of new Set(qids)) {
            const known = this.memory.get(qid);
            if (known) summaries.set(qid, known);
            else if (!this.unknownQids.has(qid)) missing.push(qid);
        }
        if (missing.length === 0) return { summaries, artifacts: [] };

        const stored = await this.options.store.getMany<KbSummary>(missing.map(qid => this.key(qid)));
        const toFetch: number[] = [];
        for (const qid of missing) {
            const summary = stored.get(this.key(qid));
            if (summary) {
                this.remember(summary);
                summaries.set(qid, summary);
                this.stats.cached += 1;
            } else toFetch.push(qid);
        }
        const artifacts: Artifact[] = [];
        for (let i = 0; i < toFetch.length; i += QIDS_PER_CALL) {
            const batch = toFetch.slice(i, i + QIDS_PER_CALL);
            const vulns = await this.fetch({ ids: batch.join(',') });
            const returned = new Set<number>();
            for (const vuln of vulns) {
                returned.add(vuln.qid);
                summaries.set(vuln.qid, this.accept(vuln, artifacts));
            }
            for (const qid of batch) if (!returned.has(qid)) this.unknownQids.add(qid);
        }
        return { summaries, artifacts };
    }

    /**
     * Re-reads cached entries Qualys modified since `since` (`last_modified_after`), returning the artifacts
     * of their new versions.
     */
    async refresh(since: string): Promise<Artifact[]> {
        const artifacts: Artifact[] = [];
        let batch: number[] = [];
        const flush = async (): Promise<void> => {
            if (batch.length === 0) return;
            const vulns = await this.fetch({ ids: batch.join(','), last_modified_after: since });
            for (const vuln of vulns) this.accept(vuln, artifacts);
            batch = [];
        };
        for await (const key of this.options.store.keys(`${this.options.keyPrefix}:`)) {
            const qid = Number(key.slice(this.options.keyPrefix.length + 1));
            if (Number.isInteger(qid)) batch.push(qid);
            if (batch.length >= QIDS_PER_CALL) await flush();
        }
        await flush();
        return artifacts;
    }

    /** Writes the entries fetched since the last call; call once their artifacts were delivered. */
    async persist(): Promise<void> {
        if (this.pendingWrites.length === 0) return;
        const entries = this.pendingWrites;
        this.pendingWrites = [];
        await this.options.store.setMany(entries);
    }

    private async fetch(params: Record<string, string>): Promise<KbVuln[]> {
        const { vulns } = await retryCall(
            'KnowledgeBase call',
            async () =>
                parseKnowledgeBase(
                    await this.options.fetchKnowledgeBase({ details: 'All', ...params }, this.options.signal)
                ),
            this.options
        );
        this.stats.fetched += vulns.length;
        return vulns;
    }

    private accept(vuln: KbVuln, artifacts: Artifact[]): KbSummary {
        const summary = toKbSummary(vuln);
        this.remember(summary);
        this.pendingWrites.push([this.key(vuln.qid), summary]);
        artifacts.push(mapKbVuln(vuln, this.options.source));
        this.stats.artifacts += 1;
        return summary;
    }

    private remember(summary: KbSummary): void {
        if (this.memory.size >= this.memoryLimit && !this.memory.has(summary.qid)) {
            // Evict the oldest entry: Map iterates in insertion order.
            const oldest = this.memory.keys().next().value;
            if (oldest !== undefined) this.memory.delete(oldest);
        }
        this.memory.set(summary.qid, summary);
    }

    private key(qid: number): string {
        return `${this.options.keyPrefix}:${qid}`;
    }
}
