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

/** What {@link KnowledgeBaseEnricher.resolve} found for a batch of QIDs. */
export interface KnowledgeBaseLookup {
    /** Summaries of the QIDs Qualys knows. */
    summaries: Map<number, KbSummary>;
    /** The artifacts of the entries this lookup fetched (each entry is fetched, and goes out, once). */
    artifacts: Artifact[];
    /** Caches the entries this lookup fetched; call once the batch carrying its artifacts was delivered. */
    persist(): Promise<void>;
}

/**
 * Looks up the KnowledgeBase entries of the QIDs a batch of detections refers to: from memory, then the
 * persistent cache, then Qualys (by `ids`, in batches). A freshly fetched entry's long texts go out once as
 * their own artifact; the cache is written only after the batch carrying that artifact was delivered
 * (the lookup's `persist`, or `persist` for everything fetched so far), so a crash in between re-fetches rather
 * than loses it. Lookups may run side by side (a chunk's lookup starts while an earlier chunk is delivered): a
 * QID an earlier lookup is still fetching is awaited, not fetched again, and its artifact goes out with that
 * earlier lookup, so batches must be delivered in the order their lookups started.
 */
export class KnowledgeBaseEnricher {
    readonly stats: KnowledgeBaseStats = { fetched: 0, cached: 0, artifacts: 0 };
    private readonly memory = new Map<number, KbSummary>();
    private readonly unknownQids = new Set<number>();
    /** Fetched entries not written to the cache yet, by cache key. */
    private readonly pendingWrites = new Map<string, KbSummary>();
    /** QIDs a lookup is reading from the cache or Qualys now. */
    private readonly inFlight = new Map<number, Promise<KbSummary | undefined>>();
    private readonly memoryLimit: number;

    constructor(private readonly options: KnowledgeBaseEnricherOptions) {
        this.memoryLimit = options.memoryLimit ?? 5000;
    }

    /**
     * Summaries for `qids` from memory alone, without waiting, when each one is settled there (its summary is held,
     * or Qualys does not know it); undefined when any needs a {@link resolve}. What `resolve` would find for them,
     * with no artifact to deliver: those went out with the lookup that fetched the entries.
     */
    summariesAtHand(qids: Iterable<number>): Map<number, KbSummary> | undefined {
        const summaries = new Map<number, KbSummary>();
        for (const qid of qids) {
            const known = this.memory.get(qid);
            if (known !== undefined) summaries.set(qid, known);
            else if (!this.unknownQids.has(qid)) return undefined;
        }
        return summaries;
    }

    /** Summaries for `qids` (absent for QIDs Qualys does not know) and the artifacts of newly fetched entries. */
    async resolve(qids: Iterable<number>): Promise<KnowledgeBaseLookup> {
        const summaries = new Map<number, KbSummary>();
        const missing: number[] = [];
        const awaited: [number, Promise<KbSummary | undefined>][] = [];
        for (const qid of new Set(qids)) {
            const known = this.memory.get(qid);
            const reading = this.inFlight.get(qid);
            if (known) summaries.set(qid, known);
            else if (reading !== undefined) awaited.push([qid, reading]);
            else if (!this.unknownQids.has(qid)) missing.push(qid);
        }
        // Registered before the first await, so that a lookup starting meanwhile waits for these QIDs.
        const own = missing.length === 0 ? undefined : this.read(missing);
        for (const qid of missing) {
            const summary = own!.then(found => found.summaries.get(qid));
            summary.catch(() => undefined);
            this.inFlight.set(qid, summary);
        }
        try {
            const found = await own;
            for (const [qid, summary] of found?.summaries ?? []) summaries.set(qid, summary);
            for (const [qid, reading] of awaited) {
                const summary = await reading;
                if (summary !== undefined) summaries.set(qid, summary);
            }
            const writes = found?.writes ?? [];
            return { summaries, artifacts: found?.artifacts ?? [], persist: () => this.write(writes) };
        } finally {
            for (const qid of missing) this.inFlight.delete(qid);
        }
    }

    /** Reads `qids` from the persistent cache, then the rest from Qualys. */
    private async read(
        qids: number[]
    ): Promise<{ summaries: Map<number, KbSummary>; artifacts: Artifact[]; writes: string[] }> {
        const summaries = new Map<number, KbSummary>();
        const stored = await this.options.store.getMany<KbSummary>(qids.map(qid => this.key(qid)));
        const toFetch: number[] = [];
        for (const qid of qids) {
            const summary = stored.get(this.key(qid));
            if (summary) {
                this.remember(summary);
                summaries.set(qid, summary);
                this.stats.cached += 1;
            } else toFetch.push(qid);
        }
        const artifacts: Artifact[] = [];
        const writes: string[] = [];
        for (let i = 0; i < toFetch.length; i += QIDS_PER_CALL) {
            const batch = toFetch.slice(i, i + QIDS_PER_CALL);
            const vulns = await this.fetch({ ids: batch.join(',') });
            const returned = new Set<number>();
            for (const vuln of vulns) {
                returned.add(vuln.qid);
                summaries.set(vuln.qid, this.accept(vuln, artifacts));
                writes.push(this.key(vuln.qid));
            }
            for (const qid of batch) if (!returned.has(qid)) this.unknownQids.add(qid);
        }
        return { summaries, artifacts, writes };
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

    /** Writes every entry fetched and not written yet; call once all their artifacts were delivered. */
    async persist(): Promise<void> {
        await this.write([...this.pendingWrites.keys()]);
    }

    /** Writes those of the entries under `keys` that are not written yet. */
    private async write(keys: readonly string[]): Promise<void> {
        const entries: [string, KbSummary][] = [];
        for (const key of keys) {
            const summary = this.pendingWrites.get(key);
            if (summary === undefined) continue;
            entries.push([key, summary]);
            this.pendingWrites.delete(key);
        }
        if (entries.length > 0) await this.options.store.setMany(entries);
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
        this.pendingWrites.set(this.key(vuln.qid), summary);
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
