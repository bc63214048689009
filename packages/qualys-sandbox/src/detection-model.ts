import { hash, Rng } from './hash.js';
import type { HostScanEvent } from './host-profile.js';
import type { SyntheticKnowledgeBase } from './knowledge-base.js';

/** HLD detection STATUS values. */
export type DetectionStatus = 'New' | 'Active' | 'Fixed' | 'Re-Opened';

/** HLD detection TYPE values (`Info` only for information-gathered QIDs, returned with show_igs=1). */
export type DetectionType = 'Confirmed' | 'Potential' | 'Info';

/** One detection's state at the tenant clock. Built on the fly; never stored. Times are epoch seconds. */
export interface SyntheticDetection {
    hostId: number;
    /** Position in the host's detection list; stable for the detection's lifetime. */
    slot: number;
    uniqueVulnId: number;
    qid: number;
    /** Index of the QID in the KnowledgeBase arrays. */
    kbIndex: number;
    type: DetectionType;
    severity: number;
    port?: number;
    protocol?: 'tcp' | 'udp';
    fqdn?: string;
    ssl: boolean;
    status: DetectionStatus;
    firstFound: number;
    lastFound: number;
    timesFound: number;
    lastTest: number;
    lastUpdate: number;
    lastFixed?: number;
    firstReopened?: number;
    lastReopened?: number;
    timesReopened: number;
    lastProcessed: number;
    isIgnored: boolean;
    isDisabled: boolean;
    /** Qualys Detection Score 1-100 (absent for information-gathered detections). */
    qds?: number;
    /** Selects this detection's RESULTS text; changes whenever the detection is found again. */
    resultsKey: number;
    /** RESULTS contains `]]>`, which must be split across CDATA sections. */
    cdataTrap: boolean;
    /** Carries an element parsers will not know. */
    extension: boolean;
    /**
     * An information-gathered detection rendered without STATUS and without any date element, as in older real
     * responses.
     */
    datesOmitted: boolean;
}

/** What detection derivation needs from the tenant. */
export interface DetectionSource {
    seed: number;
    kb: SyntheticKnowledgeBase;
    detectionsPerHost: number;
}

const PORTS: readonly [number, 'tcp' | 'udp', number][] = [
    [22, 'tcp', 0],
    [80, 'tcp', 0],
    [443, 'tcp', 0.85],
    [445, 'tcp', 0],
    [3389, 'tcp', 0.3],
    [8443, 'tcp', 0.9],
    [25, 'tcp', 0.2],
    [161, 'udp', 0],
    [123, 'udp', 0],
    [53, 'udp', 0],
    [8080, 'tcp', 0],
    [3306, 'tcp', 0]
];
const DAY = 86_400;
const IG_SLOT_BASE = 60_000;
const rng = new Rng(0);

function gcd(a: number, b: number): number {
    return b === 0 ? a : gcd(b, a % b);
}

/** Number of detections first found on a host when it is re-scanned by `advance`. */
function newDetectionCount(seed: number, hostId: number, advance: number): number {
    const roll = hash(seed, hostId, advance, 0x42) % 10;
    return roll < 6 ? 0 : roll < 9 ? 1 : 2;
}

/**
 * Calls `visit` with every detection a host has after its last scan event. Each detection's history is replayed
 * from a hash of (seed, host, slot, advance): slots 0..N-1 exist from the start, re-scans add new slots, fix open
 * ones and re-open fixed ones. Information-gathered detections are produced only with `includeIgs`.
 */
export function deriveDetections(
    src: DetectionSource,
    hostIndex: number,
    hostId: number,
    events: readonly HostScanEvent[],
    includeIgs: boolean,
    visit: (detection: SyntheticDetection) => void
): void {
    const { seed, kb } = src;
    const pool = kb.vulnPool.length;
    const start = hash(seed, hostId, 0x40) % pool;
    let step = 1 + (hash(seed, hostId, 0x43) % Math.max(1, pool - 1));
    while (gcd(step, pool) !== 1) step++;
    let slot = 0;
    for (let e = 0; e < events.length; e++) {
        const created = e === 0 ? src.detectionsPerHost : newDetectionCount(seed, hostId, events[e].advance);
        for (let i = 0; i < created; i++, slot++) {
            const poolIndex = slot < pool ? (start + slot * step) % pool : hash(seed, hostId, slot) % pool;
            visit(replay(src, hostIndex, hostId, slot, kb.vulnPool[poolIndex], events, e, slot >= pool));
        }
    }
    if (!includeIgs) return;
    const igCount = 1 + (hash(seed, hostId, 0x44) % 4);
    for (let g = 0; g < igCount; g++) {
        const kbIndex = kb.igPool[(hash(seed, hostId, 0x45) + g) % kb.igPool.length];
        visit(replay(src, hostIndex, hostId, IG_SLOT_BASE + g, kbIndex, events, 0, false));
    }
}

function replay(
    src: DetectionSource,
    hostIndex: number,
    hostId: number,
    slot: number,
    kbIndex: number,
    events: readonly HostScanEvent[],
    createdAt: number,
    forcePort: boolean
): SyntheticDetection {
    const { seed, kb } = src;
    const ig = slot >= IG_SLOT_BASE;
    rng.reseed(hash(seed, hostId, slot, 0x41));
    const severity = kb.severity[kbIndex];
    const vulnType = kb.vulnType(kbIndex);
    let port: number | undefined;
    let protocol: 'tcp' | 'udp' | undefined;
    let ssl = false;
    if (forcePort) {
        // Beyond the QID pool size a QID repeats on the host; a distinct port keeps the detection key unique.
        port = 20_000 + slot;
        protocol = 'tcp';
    } else if (rng.float() < 0.45) {
        const [p, proto, sslChance] = rng.pick(PORTS);
        port = p;
        protocol = proto;
        ssl = rng.chance(sslChance);
    }
    const fqdnRoll = rng.float();
    const d: SyntheticDetection = {
        hostId,
        slot,
        uniqueVulnId: 1_000_000_000 + hostIndex * 65_536 + slot,
        qid: kb.qids[kbIndex],
        kbIndex,
        type: ig
            ? 'Info'
            : vulnType === 'Vulnerability'
              ? 'Confirmed'
              : vulnType === 'Potential Vulnerability'
                ? 'Potential'
                : rng.pick(['Confirmed', 'Potential']),
        severity,
        port: ig ? undefined : port,
        protocol: ig ? undefined : protocol,
        fqdn: !ig && (port === 80 || port === 443) && fqdnRoll < 0.08 ? `www${slot}.vhost.example.com` : undefined,
        ssl: !ig && ssl,
        isIgnored: !ig && rng.chance(0.02),
        isDisabled: kb.disabled[kbIndex] === 1,
        qds: ig ? undefined : Math.min(100, Math.max(1, severity * 18 - 12 + rng.range(0, 24))),
        cdataTrap: rng.chance(0.03),
        extension: rng.chance(0.04),
        datesOmitted: false,
        resultsKey: 0,
        status: 'New',
        firstFound: 0,
        lastFound: 0,
        timesFound: 1,
        lastTest: 0,
        lastUpdate: 0,
        timesReopened: 0,
        lastProcessed: 0
    };
    const first = events[createdAt];
    let foundAdvance = first.advance;
    if (createdAt === 0) initialState(d, first, ig);
    else d.firstFound = d.lastFound = first.scanEnd;
    d.lastTest = first.scanEnd;
    d.lastUpdate = d.lastProcessed = first.processedAt;
    for (let e = createdAt + 1; e < events.length; e++) {
        const event = events[e];
        rng.reseed(hash(seed, hostId, slot, event.advance, 0x46));
        const roll = rng.float();
        if (d.status === 'Fixed') {
            if (roll < 0.25) {
                d.status = 'Re-Opened';
                d.timesReopened++;
                d.firstReopened ??= event.scanEnd;
                d.lastReopened = event.scanEnd;
            }
        } else if (!ig && roll < 0.12) {
            d.status = 'Fixed';
            d.lastFixed = event.scanEnd;
        } else {
            d.status = 'Active';
        }
        if (d.status !== 'Fixed') {
            d.lastFound = event.scanEnd;
            d.timesFound++;
            foundAdvance = event.advance;
        }
        d.lastTest = event.scanEnd;
        d.lastUpdate = d.lastProcessed = event.processedAt;
    }
    d.resultsKey = hash(seed, hostId, slot, foundAdvance, 0x47);
    d.datesOmitted = ig && hash(seed, hostId, slot, 0x49) % 2 === 0;
    // Real responses have FIRST_FOUND_DATETIME after LAST_FOUND_DATETIME now and then; reproduce it rarely.
    const inverted = hash(seed, hostId, slot, 0x48);
    if (!ig && d.status !== 'New' && inverted % 40 === 0) d.firstFound = d.lastFound + (1 + (inverted % 29)) * DAY;
    return d;
}

/** Gives a detection that existed before the first advance a plausible history ending at the initial scan. */
function initialState(d: SyntheticDetection, event: HostScanEvent, ig: boolean): void {
    const s0 = event.scanEnd;
    const roll = rng.float();
    d.lastFound = s0;
    if (roll < 0.15) {
        d.status = 'New';
        d.firstFound = s0;
    } else if (ig || roll < 0.7) {
        d.status = 'Active';
        d.firstFound = s0 - rng.range(1, 400) * DAY - rng.int(DAY);
        d.timesFound = rng.range(2, 60);
    } else if (roll < 0.87) {
        d.status = 'Fixed';
        d.lastFixed = s0;
        d.lastFound = s0 - rng.range(1, 30) * DAY - rng.int(DAY);
        d.firstFound = d.lastFound - rng.range(0, 300) * DAY;
        d.timesFound = rng.range(1, 40);
    } else {
        d.status = 'Re-Opened';
        d.timesReopened = rng.range(1, 3);
        d.firstReopened = d.lastReopened = s0;
        d.lastFixed = s0 - rng.range(1, 9) * DAY - rng.int(DAY);
        if (d.timesReopened > 1) d.firstReopened = d.lastFixed - rng.range(10, 100) * DAY;
        d.firstFound = Math.min(d.lastFixed, d.firstReopened) - rng.range(30, 300) * DAY;
        d.timesFound = rng.range(3, 50);
    }
}
