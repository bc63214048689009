import type { Artifact, ArtifactSource } from '@signal-connectors/connector-sdk';
import { mapHostRemoval, mapHostReturned, type RemovedHostStatus } from '../ocsf/index.js';
import { type HostIdRange, parseHostIdList } from '../xml/index.js';
import type { HostLedger, LedgerRemoval } from './host-ledger.js';

/** What one reconciliation needs. */
export interface HostReconciliationOptions {
    /** The Host List call (`/api/<v>/fo/asset/host/?action=list`). */
    fetchHostList(params: Record<string, string>, signal?: AbortSignal): Promise<string>;
    ledger: HostLedger;
    source: ArtifactSource;
    /** When this reconciliation started (ISO); stable across a resumed run, it dates what the run finds. */
    startedAt: string;
    /** The first host id not reconciled yet (a resumed run); 0 at the start. */
    fromId: number;
    /** Host ids per Host List page (`truncation_limit`). */
    pageSize: number;
    /** A batch closes once it holds this many artifacts (a host's closing updates are never split). */
    maxArtifacts: number;
    closedAs: RemovedHostStatus;
    signal?: AbortSignal;
}

/** One step of a reconciliation: what it found in a span of host ids, and how to record it once delivered. */
export interface ReconciliationBatch {
    /** `qualys.host_removed` records with the closing finding updates, and `qualys.host_returned` records. */
    artifacts: Artifact[];
    removed: number[];
    returned: number[];
    /** The first host id of the next step; undefined once the whole host list was reconciled. */
    nextFromId?: number;
    /** Records the step in the ledger; call it after the batch was delivered. */
    commit(): Promise<void>;
}

/**
 * Compares Qualys' host list with the hosts this instance delivered findings for, page by page, and yields what
 * changed: hosts on record that Qualys no longer lists (removed: purged by a user or a purge rule), and hosts
 * found removed earlier that Qualys lists again (returned). The host list is read with `details=None`
 * (`ID_SET`, ids only), `truncation_limit` and `id_min` as Qualys documents it; the ledger is walked beside it
 * in id order, so memory holds one page of ids and one batch of artifacts whatever the number of hosts.
 */
export async function* reconcileHosts(options: HostReconciliationOptions): AsyncGenerator<ReconciliationBatch> {
    const { ledger } = options;
    let fromId = options.fromId;
    for (;;) {
        options.signal?.throwIfAborted();
        const params: Record<string, string> = { details: 'None', truncation_limit: String(options.pageSize) };
        if (fromId > 0) params.id_min = String(fromId);
        const page = await parseHostIdList(await options.fetchHostList(params, options.signal));
        // This page covers ids up to the one before the next page's first; the last page covers the rest.
        const untilId = page.nextIdMin === undefined ? Infinity : page.nextIdMin - 1;
        const listed = new RangeCursor(page.ranges);
        const removed: number[] = [];
        for await (const id of ledger.seenIds(fromId)) {
            if (id > untilId) break;
            if (!listed.has(id)) removed.push(id);
        }
        const returned: number[] = [];
        const cursor = new RangeCursor(page.ranges);
        for await (const id of ledger.removedIds(fromId)) {
            if (id > untilId) break;
            if (cursor.has(id)) returned.push(id);
        }
        yield* batchesOf(options, removed, returned, page.nextIdMin);
        if (page.nextIdMin === undefined) return;
        fromId = page.nextIdMin;
    }
}

/** The artifacts of one page's removals and returns, in batches of at most `maxArtifacts` (whole hosts). */
async function* batchesOf(
    options: HostReconciliationOptions,
    removed: number[],
    returned: number[],
    nextPageId: number | undefined
): AsyncGenerator<ReconciliationBatch> {
    const { ledger, source, startedAt, closedAs } = options;
    const returnals = await ledger.removals(returned);
    let artifacts: Artifact[] = returned.flatMap(id => {
        const removal = returnals.get(id);
        return removal === undefined ? [] : [mapHostReturned(id, removal.device, removal.removedAt, startedAt, source)];
    });
    let batchReturned = returned;
    let batchRemoved: number[] = [];
    let removals = new Map<number, LedgerRemoval>();
    const flush = (nextFromId: number | undefined): ReconciliationBatch => {
        const doneRemovals = removals;
        const doneReturned = batchReturned;
        const batch: ReconciliationBatch = {
            artifacts,
            removed: batchRemoved,
            returned: doneReturned,
            nextFromId,
            commit: async () => {
                await ledger.markRemoved(doneRemovals);
                await ledger.markReturned(doneReturned);
            }
        };
        artifacts = [];
        batchRemoved = [];
        batchReturned = [];
        removals = new Map();
        return batch;
    };
    // Removed hosts' records are read a slice at a time: their open findings are what the batches close.
    for (let start = 0; start < removed.length; start += 200) {
        const ids = removed.slice(start, start + 200);
        const hosts = await ledger.hosts(ids);
        for (const id of ids) {
            const host = hosts.get(id);
            if (host === undefined) continue;
            const hostArtifacts = mapHostRemoval(
                { hostId: id, device: host.device, open: host.open, lastSeen: host.seen },
                startedAt,
                closedAs,
                source
            );
            if (artifacts.length > 0 && artifacts.length + hostArtifacts.length > options.maxArtifacts) {
                // The next batch starts at this host, so a resumed run picks it up again.
                yield flush(id);
            }
            artifacts.push(...hostArtifacts);
            batchRemoved.push(id);
            removals.set(id, { removedAt: startedAt, device: host.device });
        }
    }
    yield flush(nextPageId);
}

/** Answers "is this id listed?" for ascending ids against ascending ranges, in one forward pass. */
class RangeCursor {
    private index = 0;

    constructor(private readonly ranges: readonly HostIdRange[]) {}

    has(id: number): boolean {
        while (this.index < this.ranges.length && this.ranges[this.index].max < id) this.index++;
        const range = this.ranges[this.index];
        return range !== undefined && range.min <= id;
    }
}
