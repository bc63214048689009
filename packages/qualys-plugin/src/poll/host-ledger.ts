import type { KeyValueStore } from '@signal-connectors/connector-sdk';
import type { OcsfVulnerabilityFinding } from '../ocsf/index.js';

/** An open finding as the ledger keeps it: enough to close it without its full record. */
export type LedgerFinding = [key: string, qid: number, severityId: number, vulnerability: string, title: string];

/** What the ledger keeps of a host the connector delivered findings for. */
export interface LedgerHost {
    device: { uid: string; hostname?: string; ip?: string; instance_uid?: string };
    /** The host's open findings (not Resolved, not Suppressed) at its last delivery. */
    open: LedgerFinding[];
    /** When the host's findings were last delivered (ISO). */
    seen: string;
}

/** What the ledger keeps of a host found removed from Qualys. */
export interface LedgerRemoval {
    /** The start of the reconciliation that found it gone (ISO). */
    removedAt: string;
    device: LedgerHost['device'];
}

const SEEN = 'host:';
const REMOVED = 'removed-host:';
/** Host ids are zero-padded in keys, so the store's ascending key order is numeric order. */
const ID_DIGITS = 12;

/** Suppressed (3) and Resolved (4) findings are closed already. */
const CLOSED_STATUSES = new Set([3, 4]);

/**
 * The ledger's view of the findings a batch delivers, gathered as they are mapped: what the ledger keeps of each host
 * and its open findings, so the batch itself need not keep every finding's object tree until it is recorded.
 */
export class DeliveredHosts {
    /** Device uid (the Qualys host id) -> the host's ledger entry. */
    readonly hosts = new Map<string, LedgerHost>();

    /** `seen`: when the findings were delivered (ISO). */
    constructor(private readonly seen: string) {}

    /** Adds one delivered finding. */
    add(finding: OcsfVulnerabilityFinding): void {
        const uid = finding.device.uid;
        let host = this.hosts.get(uid);
        if (host === undefined) {
            host = { device: deviceOf(finding.device), open: [], seen: this.seen };
            this.hosts.set(uid, host);
        }
        if (!CLOSED_STATUSES.has(finding.status_id)) host.open.push(ledgerFinding(finding));
    }

    /** Adds what `other` gathered (the hosts of a batch mapped before it was put together). */
    absorb(other: DeliveredHosts): void {
        for (const [uid, host] of other.hosts) {
            const known = this.hosts.get(uid);
            if (known === undefined) this.hosts.set(uid, host);
            else known.open.push(...host.open);
        }
    }
}

/**
 * The hosts this instance delivered findings for, and those found removed from Qualys since, kept in the
 * instance's key-value store (the state database), never in memory: one entry per host, with its open findings,
 * so a removed host's findings can be closed. Keys order by host id, which lets a reconciliation walk the ledger
 * beside Qualys' host list page by page, whatever the number of hosts.
 */
export class HostLedger {
    constructor(private readonly store: KeyValueStore) {}

    /**
     * Records the hosts gathered in `delivered` (their complete current state: a host detection response lists every
     * detection of a host), and forgets that they were removed, if they were.
     */
    async record(delivered: DeliveredHosts): Promise<void> {
        const { hosts } = delivered;
        if (hosts.size === 0) return;
        await this.store.setMany([...hosts].map(([uid, host]) => [HostLedger.seenKey(Number(uid)), host] as const));
        // A host delivered again is not removed (any more): one lookup for the chunk, deletes only where needed.
        const removed = await this.store.getMany([...hosts.keys()].map(uid => HostLedger.removedKey(Number(uid))));
        for (const key of removed.keys()) await this.store.delete(key);
    }

    /** Ids of the hosts on record with id >= `fromId`, ascending. */
    async *seenIds(fromId = 0): AsyncGenerator<number> {
        yield* this.ids(SEEN, fromId);
    }

    /** Ids of the hosts found removed (and not back), with id >= `fromId`, ascending. */
    async *removedIds(fromId = 0): AsyncGenerator<number> {
        yield* this.ids(REMOVED, fromId);
    }

    /** The records of these hosts (those on record). */
    async hosts(ids: readonly number[]): Promise<Map<number, LedgerHost>> {
        const found = await this.store.getMany<LedgerHost>(ids.map(id => HostLedger.seenKey(id)));
        return new Map([...found].map(([key, host]) => [Number(key.slice(SEEN.length)), host]));
    }

    /** Moves hosts from the record to the removed ones (recorded as removed first, so a crash loses nothing). */
    async markRemoved(removals: ReadonlyMap<number, LedgerRemoval>): Promise<void> {
        if (removals.size === 0) return;
        await this.store.setMany([...removals].map(([id, removal]) => [HostLedger.removedKey(id), removal] as const));
        for (const id of removals.keys()) await this.store.delete(HostLedger.seenKey(id));
    }

    /** Forgets that these hosts were removed (they are back in Qualys). */
    async markReturned(ids: readonly number[]): Promise<void> {
        for (const id of ids) await this.store.delete(HostLedger.removedKey(id));
    }

    /** The removal record of these hosts (those found removed). */
    async removals(ids: readonly number[]): Promise<Map<number, LedgerRemoval>> {
        const found = await this.store.getMany<LedgerRemoval>(ids.map(id => HostLedger.removedKey(id)));
        return new Map([...found].map(([key, removal]) => [Number(key.slice(REMOVED.length)), removal]));
    }

    static seenKey(id: number): string {
        return SEEN + String(id).padStart(ID_DIGITS, '0');
    }

    static removedKey(id: number): string {
        return REMOVED + String(id).padStart(ID_DIGITS, '0');
    }

    private async *ids(prefix: string, fromId: number): AsyncGenerator<number> {
        const from = String(Math.max(0, fromId)).padStart(ID_DIGITS, '0');
        for await (const key of this.store.keys(prefix)) {
            const id = key.slice(prefix.length);
            // The store lists a prefix from its start; ids below the cursor are skipped by comparison only.
            if (id >= from) yield Number(id);
        }
    }
}

function deviceOf(device: OcsfVulnerabilityFinding['device']): LedgerHost['device'] {
    const out: LedgerHost['device'] = { uid: device.uid };
    if (device.hostname) out.hostname = device.hostname;
    if (device.ip) out.ip = device.ip;
    if (device.instance_uid) out.instance_uid = device.instance_uid;
    return out;
}

/** The key, QID, severity, vulnerability reference (CVE or advisory) and title of an open finding. */
function ledgerFinding(finding: OcsfVulnerabilityFinding): LedgerFinding {
    const [vulnerability] = finding.vulnerabilities;
    const reference = vulnerability?.cve?.uid ?? vulnerability?.advisory?.uid ?? '';
    return [
        finding.finding_info.uid,
        Number(finding.finding_info.analytic.uid),
        finding.severity_id,
        reference,
        finding.finding_info.title
    ];
}
