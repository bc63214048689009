import type { DetectionStatus, SyntheticDetection } from './detection-model.js';
import { toEpochSec } from './qualys-date.js';

/** An inclusive range of ids (host ids or QIDs). */
export interface IdRange {
    min: number;
    max: number;
}

/**
 * The HLD filters the sandbox honours, in API-independent form. Shared by the HLD endpoint and
 * `SyntheticTenant.expectedDetections`, so a completeness test can ask what a given request must return.
 * Dates accept a Date or Qualys date text. Defaults match HLD defaults: all statuses, no IGs, no ignored or
 * disabled detections, every host.
 */
export interface DetectionFilter {
    /** Hosts whose results were processed strictly after this instant (`vm_processed_after`). */
    vmProcessedAfter?: Date | string;
    /** Hosts whose results were processed strictly before this instant (`vm_processed_before`). */
    vmProcessedBefore?: Date | string;
    /** `status`; default all four. */
    statuses?: readonly DetectionStatus[];
    /** `show_igs=1`: include information-gathered detections (TYPE Info). */
    includeIgs?: boolean;
    /** `include_ignored=1`. */
    includeIgnored?: boolean;
    /** `include_disabled=1`. */
    includeDisabled?: boolean;
    /** `id_min` (inclusive host id). */
    idMin?: number;
    /** `id_max` (inclusive host id). */
    idMax?: number;
    /** `ids`: host ids and ranges. */
    ids?: readonly (number | IdRange)[];
    /** `severities`: 1-5. */
    severities?: readonly number[];
    /** `qids`: QIDs and ranges. */
    qids?: readonly (number | IdRange)[];
    /** `include_vuln_type`. */
    vulnType?: 'confirmed' | 'potential';
    /** `detection_updated_since` (inclusive, compared with LAST_UPDATE_DATETIME). */
    detectionUpdatedSince?: Date | string;
    /** `detection_updated_before` (exclusive). */
    detectionUpdatedBefore?: Date | string;
    /** `detection_processed_after` (exclusive, compared with LAST_PROCESSED_DATETIME). */
    detectionProcessedAfter?: Date | string;
    /** `detection_processed_before` (exclusive). */
    detectionProcessedBefore?: Date | string;
    /** `qds_min` / `qds_max` (inclusive). */
    qdsMin?: number;
    qdsMax?: number;
}

/** A DetectionFilter reduced to numbers and bit masks for the per-detection hot path. */
export interface CompiledFilter {
    processedAfter: number;
    processedBefore: number;
    statusMask: number;
    includeIgs: boolean;
    includeIgnored: boolean;
    includeDisabled: boolean;
    idMin: number;
    idMax: number;
    ids?: IdRange[];
    severityMask: number;
    qids?: IdRange[];
    vulnType?: 'confirmed' | 'potential';
    updatedSince: number;
    updatedBefore: number;
    detectionProcessedAfter: number;
    detectionProcessedBefore: number;
    qdsMin: number;
    qdsMax: number;
}

const STATUS_BITS: Record<DetectionStatus, number> = { New: 1, Active: 2, Fixed: 4, 'Re-Opened': 8 };

/** Sorts and merges ids and ranges into disjoint ascending ranges. */
export function normalizeRanges(items: readonly (number | IdRange)[]): IdRange[] {
    const ranges = items
        .map(item => (typeof item === 'number' ? { min: item, max: item } : { ...item }))
        .sort((a, b) => a.min - b.min);
    const merged: IdRange[] = [];
    for (const range of ranges) {
        const last = merged[merged.length - 1];
        if (last && range.min <= last.max + 1) last.max = Math.max(last.max, range.max);
        else merged.push(range);
    }
    return merged;
}

/** True when `value` falls in one of the (normalized) ranges. */
export function inRanges(ranges: readonly IdRange[], value: number): boolean {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (value < ranges[mid].min) hi = mid - 1;
        else if (value > ranges[mid].max) lo = mid + 1;
        else return true;
    }
    return false;
}

function sec(value: Date | string | undefined, fallback: number): number {
    return value === undefined ? fallback : toEpochSec(value);
}

/** Compiles a filter; throws RangeError on unparsable dates. */
export function compileFilter(filter: DetectionFilter = {}): CompiledFilter {
    const statuses = filter.statuses ?? ['New', 'Active', 'Fixed', 'Re-Opened'];
    return {
        processedAfter: sec(filter.vmProcessedAfter, -Infinity),
        processedBefore: sec(filter.vmProcessedBefore, Infinity),
        statusMask: statuses.reduce((mask, status) => mask | STATUS_BITS[status], 0),
        includeIgs: filter.includeIgs ?? false,
        includeIgnored: filter.includeIgnored ?? false,
        includeDisabled: filter.includeDisabled ?? false,
        idMin: filter.idMin ?? 0,
        idMax: filter.idMax ?? Infinity,
        ids: filter.ids ? normalizeRanges(filter.ids) : undefined,
        severityMask: (filter.severities ?? [1, 2, 3, 4, 5]).reduce((mask, s) => mask | (1 << s), 0),
        qids: filter.qids ? normalizeRanges(filter.qids) : undefined,
        vulnType: filter.vulnType,
        updatedSince: sec(filter.detectionUpdatedSince, -Infinity),
        updatedBefore: sec(filter.detectionUpdatedBefore, Infinity),
        detectionProcessedAfter: sec(filter.detectionProcessedAfter, -Infinity),
        detectionProcessedBefore: sec(filter.detectionProcessedBefore, Infinity),
        qdsMin: filter.qdsMin ?? -Infinity,
        qdsMax: filter.qdsMax ?? Infinity
    };
}

/** Host-level part of the filter: id window/list and processing time. */
export function hostPasses(filter: CompiledFilter, hostId: number, processedAt: number): boolean {
    if (hostId < filter.idMin || hostId > filter.idMax) return false;
    if (filter.ids && !inRanges(filter.ids, hostId)) return false;
    return processedAt > filter.processedAfter && processedAt < filter.processedBefore;
}

/** Detection-level part of the filter. */
export function detectionPasses(filter: CompiledFilter, d: SyntheticDetection): boolean {
    if ((filter.statusMask & STATUS_BITS[d.status]) === 0) return false;
    if (d.type === 'Info' && !filter.includeIgs) return false;
    if ((d.isIgnored && !filter.includeIgnored) || (d.isDisabled && !filter.includeDisabled)) return false;
    if ((filter.severityMask & (1 << d.severity)) === 0) return false;
    if (filter.qids && !inRanges(filter.qids, d.qid)) return false;
    if (filter.vulnType === 'confirmed' && d.type === 'Potential') return false;
    if (filter.vulnType === 'potential' && d.type === 'Confirmed') return false;
    if (d.lastUpdate < filter.updatedSince || d.lastUpdate >= filter.updatedBefore) return false;
    if (d.lastProcessed <= filter.detectionProcessedAfter || d.lastProcessed >= filter.detectionProcessedBefore)
        return false;
    if (filter.qdsMin !== -Infinity || filter.qdsMax !== Infinity) {
        if (d.qds === undefined || d.qds < filter.qdsMin || d.qds > filter.qdsMax) return false;
    }
    return true;
}
