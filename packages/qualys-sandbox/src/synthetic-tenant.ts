import { type DetectionSource, deriveDetections, type SyntheticDetection } from './detection-model.js';
import {
    type CompiledFilter,
    compileFilter,
    type DetectionFilter,
    detectionPasses,
    hostPasses
} from './detection-filter.js';
import { hash, unit } from './hash.js';
import { describeHost, type HostScanEvent, initialProcessedAt, scanEvent, type SyntheticHost } from './host-profile.js';
import { SyntheticKnowledgeBase } from './knowledge-base.js';
import { formatQualysDate } from './qualys-date.js';
import { ResultsCorpus } from './results-corpus.js';
import { ScanCatalog } from './scan-catalog.js';
import type { AdvanceOptions, AdvanceResult, ExpectedDetection, TenantOptions, TenantState } from './tenant-types.js';

export type { AdvanceOptions, AdvanceResult, ExpectedDetection, TenantOptions, TenantState } from './tenant-types.js';

/** One clock advance: its number, end time and which hosts it re-scanned. */
interface AdvanceRecord {
    advance: number;
    to: number;
    fraction: number;
    forced?: ReadonlySet<number>;
}

const DEFAULT_START = new Date('2024-05-14T08:00:00Z');

/**
 * A deterministic synthetic Qualys subscription of any size. Per host it stores only an id, a processing time and
 * a re-scan counter (typed arrays: 20,000 hosts cost ~240 KB); every host attribute and detection is re-derived
 * from hashes of (seed, host, slot, advance) whenever a response or an expectation needs it.
 */
export class SyntheticTenant implements DetectionSource {
    readonly seed: number;
    readonly hostCount: number;
    readonly detectionsPerHost: number;
    readonly resultsSize: number;
    readonly firstHostId: number;
    readonly startTime: Date;
    readonly kb: SyntheticKnowledgeBase;
    readonly scans: ScanCatalog;
    private readonly corpus: ResultsCorpus;
    private readonly hostIds: Uint32Array;
    private readonly processedAt: Uint32Array;
    private readonly generation: Uint32Array;
    private readonly advances: AdvanceRecord[] = [];
    /** Hosts purged from the subscription (by a user or a purge rule): gone from every API until restored. */
    private readonly purged = new Set<number>();
    private clock: number;
    private readonly wallClock: boolean;

    /** Builds the tenant at its start time (no advances yet). */
    constructor(options: TenantOptions = {}) {
        this.seed = options.seed ?? 1;
        this.hostCount = Math.max(0, Math.floor(options.hosts ?? 50));
        this.detectionsPerHost = Math.max(0, Math.floor(options.detectionsPerHost ?? 10));
        this.resultsSize = Math.max(0, options.resultsSize ?? 300);
        this.firstHostId = options.firstHostId ?? 118_220_000;
        this.wallClock = options.wallClock === true;
        this.startTime = new Date(options.startTime ?? (this.wallClock ? wallClockNow() : DEFAULT_START));
        this.clock = Math.floor(this.startTime.getTime() / 1000);
        if (this.firstHostId < 1 || this.firstHostId + 3 * this.hostCount > 0xffffffff) {
            throw new RangeError('host ids must stay within 1..4294967295');
        }
        this.kb = new SyntheticKnowledgeBase(this.seed, this.clock, options.kbSize ?? 400);
        this.scans = new ScanCatalog(this.seed, this.clock, options.scans ?? 12, options.userLogin ?? 'sandbox_user');
        this.corpus = new ResultsCorpus(this.seed, this.resultsSize);
        this.hostIds = new Uint32Array(this.hostCount);
        this.processedAt = new Uint32Array(this.hostCount);
        this.generation = new Uint32Array(this.hostCount);
        for (let i = 0; i < this.hostCount; i++) {
            // Gaps of 0-2 between ids keep them ascending while making id_min arithmetic non-trivial.
            this.hostIds[i] = this.firstHostId + 3 * i + (hash(this.seed, i, 0x01) % 3);
            this.processedAt[i] = initialProcessedAt(this.seed, this.hostIds[i], this.clock);
        }
    }

    /** The tenant clock (RESPONSE/DATETIME); it only moves on `advance`. */
    now(): Date {
        return new Date(this.clock * 1000);
    }

    /** The tenant clock in epoch seconds. */
    nowSec(): number {
        return this.clock;
    }

    /** Host id at an index (0-based, ascending). */
    hostIdAt(index: number): number {
        return this.hostIds[index];
    }

    /** Index of the first host whose id is >= `id` (hostCount when none). */
    lowerBound(id: number): number {
        let lo = 0;
        let hi = this.hostCount;
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (this.hostIds[mid] < id) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** Index of the host with this id, or undefined. */
    indexOfHost(id: number): number | undefined {
        const index = this.lowerBound(id);
        return this.hostIds[index] === id ? index : undefined;
    }

    /** Ascending indexes of hosts passing the host-level part of a compiled filter. */
    *hostIndexes(filter: CompiledFilter): Generator<number> {
        const ranges = filter.ids ?? [{ min: filter.idMin, max: filter.idMax }];
        for (const range of ranges) {
            const max = Math.min(range.max, filter.idMax);
            for (let i = this.lowerBound(Math.max(range.min, filter.idMin)); i < this.hostCount; i++) {
                const id = this.hostIds[i];
                if (id > max) break;
                if (hostPasses(filter, id, this.processedAt[i]) && !this.purged.has(id)) yield i;
            }
        }
    }

    /** A host's scan events: the initial processing plus every advance that re-scanned it. */
    hostEvents(index: number): HostScanEvent[] {
        const id = this.hostIds[index];
        const events = [scanEvent(this.seed, id, 0, initialProcessedAt(this.seed, id, this.clock0()))];
        const rescans = this.generation[index];
        for (let a = 0; a < this.advances.length && events.length <= rescans; a++) {
            const record = this.advances[a];
            if (this.rescanned(record, id)) events.push(scanEvent(this.seed, id, record.advance, record.to));
        }
        return events;
    }

    /** A host's attributes at the tenant clock. */
    host(index: number, events = this.hostEvents(index)): SyntheticHost {
        return describeHost(this.seed, index, this.hostIds[index], events);
    }

    /** A host's detections that pass the detection-level part of a compiled filter. */
    matchingDetections(index: number, filter: CompiledFilter, events = this.hostEvents(index)): SyntheticDetection[] {
        const out: SyntheticDetection[] = [];
        deriveDetections(this, index, this.hostIds[index], events, filter.includeIgs, d => {
            if (detectionPasses(filter, d)) out.push(d);
        });
        return out;
    }

    /** The detections an HLD request with this filter must return across all its pages, in response order. */
    *expectedDetections(filter: DetectionFilter = {}): Generator<ExpectedDetection> {
        const compiled = compileFilter(filter);
        for (const index of this.hostIndexes(compiled)) {
            for (const d of this.matchingDetections(index, compiled)) {
                yield {
                    hostId: d.hostId,
                    qid: d.qid,
                    ...(d.port === undefined ? {} : { port: d.port, protocol: d.protocol }),
                    ssl: d.ssl,
                    ...(d.fqdn === undefined ? {} : { fqdn: d.fqdn }),
                    uniqueVulnId: d.uniqueVulnId,
                    ...(d.datesOmitted ? {} : { status: d.status, lastUpdate: formatQualysDate(d.lastUpdate) })
                };
            }
        }
    }

    /** RESULTS text of a detection, or undefined when the tenant was built with resultsSize 0. */
    results(d: SyntheticDetection): string | undefined {
        if (this.resultsSize === 0) return undefined;
        const where = d.port === undefined ? 'host' : `port ${d.port}/${d.protocol}${d.ssl ? ' over SSL' : ''}`;
        return this.corpus.results(d.resultsKey, `QID ${d.qid} detected on ${where}`, d.cdataTrap);
    }

    /**
     * Moves the clock forward (default 1 hour). A deterministic share of hosts is re-scanned (their processing
     * time becomes the new clock; on them detections get fixed, re-opened or newly found), some KnowledgeBase
     * QIDs are modified, running scans finish and new scans launch. Other hosts keep their processing time.
     */
    advance(options: AdvanceOptions = {}): AdvanceResult {
        const from = this.clock;
        const record: AdvanceRecord = {
            advance: this.advances.length + 1,
            to: this.advanceTarget(options),
            fraction: options.rescanFraction ?? 0.1,
            forced: options.rescanHostIds ? new Set(options.rescanHostIds) : undefined
        };
        this.advances.push(record);
        let rescannedHosts = 0;
        for (let i = 0; i < this.hostCount; i++) {
            if (!this.rescanned(record, this.hostIds[i])) continue;
            this.generation[i]++;
            this.processedAt[i] = record.to;
            rescannedHosts++;
        }
        const modifiedQids = this.kb.modify(options.kbModifications ?? 3, from, record.to, record.advance);
        this.scans.advance(from, record.to, record.advance, options.scanLaunches ?? 1);
        this.clock = record.to;
        return {
            advance: record.advance,
            previous: new Date(from * 1000),
            now: this.now(),
            rescannedHosts,
            modifiedQids
        };
    }

    /**
     * Purges hosts, as a Qualys user or purge rule does: they vanish from host detections and the host list
     * (nothing else about them changes). Returns the ids that were present and are now purged.
     */
    purge(hostIds: readonly number[]): number[] {
        const done = hostIds.filter(id => this.indexOfHost(id) !== undefined && !this.purged.has(id));
        for (const id of done) this.purged.add(id);
        return done;
    }

    /** Brings purged hosts back (a re-discovered asset); returns the ids that were purged and are back. */
    restore(hostIds: readonly number[]): number[] {
        const done = hostIds.filter(id => this.purged.has(id));
        for (const id of done) this.purged.delete(id);
        return done;
    }

    /** Ids of the purged hosts, ascending. */
    purgedHostIds(): number[] {
        return [...this.purged].sort((a, b) => a - b);
    }

    /** A summary for admin and logging. */
    state(): TenantState {
        return {
            now: formatQualysDate(this.clock),
            start: formatQualysDate(this.clock0()),
            seed: this.seed,
            hosts: this.hostCount,
            detectionsPerHost: this.detectionsPerHost,
            resultsSize: this.resultsSize,
            firstHostId: this.firstHostId,
            lastHostId: this.hostCount > 0 ? this.hostIds[this.hostCount - 1] : this.firstHostId,
            advances: this.advances.length,
            purgedHosts: this.purged.size,
            kbQids: this.kb.qids.length,
            scans: { total: this.scans.list().length, byState: this.scans.countsByState() }
        };
    }

    /** Where an advance moves the clock: an explicit time or step, else one hour (or now, on the wall clock). */
    private advanceTarget(options: AdvanceOptions): number {
        const from = this.clock;
        if (options.to !== undefined) return Math.max(from + 1, Math.floor(options.to.getTime() / 1000));
        if (options.seconds === undefined && options.hours === undefined && this.wallClock) {
            // One second in the past, so a poll started right after sees the re-scans inside its window.
            return Math.max(from + 1, Math.floor(Date.now() / 1000) - 1);
        }
        return from + Math.max(1, Math.round(options.seconds ?? (options.hours ?? 1) * 3600));
    }

    private clock0(): number {
        return Math.floor(this.startTime.getTime() / 1000);
    }

    private rescanned(record: AdvanceRecord, hostId: number): boolean {
        return (
            record.forced?.has(hostId) === true || unit(hash(this.seed, hostId, record.advance, 0x50)) < record.fraction
        );
    }
}

/**
 * Where a wall-clock tenant starts: a minute back, so that advances made soon after start (up to one a second)
 * still land strictly before the window end of any poll started after them.
 */
function wallClockNow(): Date {
    return new Date((Math.floor(Date.now() / 1000) - 60) * 1000);
}
