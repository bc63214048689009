import { hash, Rng } from './hash.js';

/** Scan STATUS/STATE values. */
export type ScanState = 'Running' | 'Paused' | 'Canceled' | 'Finished' | 'Error' | 'Queued' | 'Loading';

/** Every scan state, in the order the scan list documentation gives them. */
export const SCAN_STATES: readonly ScanState[] = [
    'Running',
    'Paused',
    'Canceled',
    'Finished',
    'Error',
    'Queued',
    'Loading'
];

/** One VM scan as the scan list reports it. */
export interface SyntheticScan {
    ref: string;
    type: 'On-Demand' | 'Scheduled' | 'API';
    title: string;
    userLogin: string;
    /** Epoch seconds of LAUNCH_DATETIME. */
    launchedAt: number;
    /** Seconds, once the scan stopped running. */
    durationSec?: number;
    state: ScanState;
    subState?: 'No_Vuln' | 'No_Host';
    processed: boolean;
    priority: string;
    target: string;
    assetGroups: string[];
    optionProfile: { title: string; isDefault: boolean };
}

const TITLES = [
    'Weekly Internal - DC1',
    'Monthly External Perimeter',
    'PCI Quarterly',
    'Ad-hoc edge check',
    'Agentless DMZ'
];
const GROUPS = ['DC1 Servers', 'DMZ', 'Workstations', 'PCI Scope', 'Cloud & Containers'];
const PROFILES = ['Authenticated Full Scan', 'Initial Options', 'Payment Card Industry (PCI) Options'];
const HOUR = 3600;

/**
 * The tenant's scan history. Scans are few (tens), so they are plain objects; `advance` moves them through
 * their lifecycle (Queued -> Running -> Finished) and launches new ones.
 */
export class ScanCatalog {
    private readonly scans: SyntheticScan[] = [];
    private counter = 41_000;

    /** Creates `count` scans launched over the ~40 days before `startSec` (a few outside the 30-day default). */
    constructor(
        private readonly seed: number,
        startSec: number,
        count: number,
        private readonly userLogin: string
    ) {
        const rng = new Rng(hash(seed, 0x5ca));
        for (let i = 0; i < count; i++) {
            const state: ScanState =
                i === count - 1
                    ? 'Running'
                    : i === count - 2
                      ? 'Queued'
                      : rng.pick(['Finished', 'Finished', 'Finished', 'Canceled', 'Error']);
            // The running and queued scans were launched within the last hours; the rest spread over ~40 days.
            const launchedAt =
                state === 'Running'
                    ? startSec - rng.range(HOUR / 2, 3 * HOUR)
                    : state === 'Queued'
                      ? startSec - rng.range(60, HOUR / 4)
                      : startSec - (count - i) * Math.round((40 * 24 * HOUR) / Math.max(1, count)) + rng.range(0, HOUR);
            const scan = this.create(rng, launchedAt, state);
            this.scans.push(scan);
            const endSec = Math.min(startSec, launchedAt + rng.range(HOUR / 2, 6 * HOUR));
            if (state !== 'Running' && state !== 'Queued') this.settle(scan, rng, endSec);
        }
        this.scans.sort((a, b) => a.launchedAt - b.launchedAt);
    }

    /** All scans, oldest launch first. */
    list(): readonly SyntheticScan[] {
        return this.scans;
    }

    /** Scan counts per state. */
    countsByState(): Partial<Record<ScanState, number>> {
        const counts: Partial<Record<ScanState, number>> = {};
        for (const scan of this.scans) counts[scan.state] = (counts[scan.state] ?? 0) + 1;
        return counts;
    }

    /**
     * Moves the clock from `fromSec` to `toSec`: running scans finish, queued ones start, paused ones resume, and
     * `launches` new scans start (the last one stays queued when more than one is launched).
     */
    advance(fromSec: number, toSec: number, advance: number, launches = 1): void {
        const rng = new Rng(hash(this.seed, advance, 0x5cb));
        for (const scan of this.scans) {
            if (scan.state === 'Running') this.settle(scan, rng, toSec - rng.range(0, Math.min(HOUR, toSec - fromSec)));
            else if (scan.state === 'Queued' || scan.state === 'Paused' || scan.state === 'Loading')
                scan.state = 'Running';
        }
        for (let i = 0; i < launches; i++) {
            const launchedAt = fromSec + 1 + rng.int(Math.max(1, toSec - fromSec));
            this.scans.push(this.create(rng, launchedAt, i > 0 && i === launches - 1 ? 'Queued' : 'Running'));
        }
        this.scans.sort((a, b) => a.launchedAt - b.launchedAt);
    }

    private create(rng: Rng, launchedAt: number, state: ScanState): SyntheticScan {
        const type = rng.pick(['Scheduled', 'Scheduled', 'On-Demand', 'API'] as const);
        const octet = rng.range(0, 31);
        return {
            ref: `scan/${launchedAt}.${this.counter++}`,
            type,
            title: rng.pick(TITLES),
            userLogin: this.userLogin,
            launchedAt,
            state,
            processed: false,
            priority: rng.pick(['0 - No Priority', '0 - No Priority', '2 - Ultimate']),
            target: rng.chance(0.7) ? `10.20.${octet}.0-10.20.${octet}.255` : `10.20.${octet}.5, 10.20.${octet}.17`,
            assetGroups: rng.chance(0.6) ? [rng.pick(GROUPS)] : [],
            optionProfile: { title: rng.pick(PROFILES), isDefault: rng.chance(0.3) }
        };
    }

    /** Ends a scan at `endSec`: a running scan finishes; terminal states chosen at construction are kept. */
    private settle(scan: SyntheticScan, rng: Rng, endSec: number): void {
        if (scan.state === 'Running') scan.state = 'Finished';
        if (scan.state === 'Finished' && rng.chance(0.1)) scan.subState = rng.pick(['No_Vuln', 'No_Host'] as const);
        scan.durationSec = Math.max(60, endSec - scan.launchedAt);
        scan.processed = scan.state === 'Finished';
    }
}
