import { HOSTILE_FAULT_TYPES, type HostileFault } from './hostile-content.js';
import type { SandboxEndpoint } from './rate-limiter.js';

/** Which requests a fault applies to, and how often it fires. */
export interface FaultTargeting {
    /** Only requests to this endpoint (default: any endpoint). */
    endpoint?: SandboxEndpoint;
    /** How many consecutive matching requests it fires on (default 1: one-shot). */
    times?: number;
    /** Fire starting with the Nth matching request after injection (1-based, default 1). */
    onRequest?: number;
}

/**
 * A failure the sandbox can inject into upcoming API responses:
 * - `rate-limit`: 409 / 1965 with `X-RateLimit-ToWait-Sec` and SECONDS_TO_WAIT = `toWaitSec` (default 60)
 * - `concurrency-limit`: 409 / 1960 (CALLS_TO_FINISH), without ToWait/Remaining headers
 * - `server-error`: `status` (default 500 GENERIC_RETURN 999; 503 = SIMPLE_RETURN 1999; 502/504 = HTML page)
 * - `reset`: destroys the socket after `afterHosts` records (default 1) of a streamed response
 * - `truncate`: ends the HTTP response cleanly after `afterHosts` records (default 1), mid-document
 * - `simple-return`: any SIMPLE_RETURN `code`/`text` with HTTP `status` (default 200), e.g. 2001 expired account
 * - `registration-required`: 409 / 2003
 * - `slow-first-byte`: holds the response head for `delayMs` (the call counts as running meanwhile)
 *
 * For KnowledgeBase and scan responses `afterHosts` counts VULN / SCAN records.
 *
 * And the hostile responses of {@link HostileFault}: `entity-declarations`, `external-entity`, `deep-nesting`,
 * `huge-text` (host detection only) and `huge-skipped`.
 */
export type SandboxFault = FaultTargeting &
    (
        | HostileFault
        | { type: 'rate-limit'; toWaitSec?: number }
        | { type: 'concurrency-limit' }
        | { type: 'server-error'; status?: number }
        | { type: 'reset'; afterHosts?: number }
        | { type: 'truncate'; afterHosts?: number }
        | { type: 'simple-return'; code: number; text: string; status?: number }
        | { type: 'registration-required' }
        | { type: 'slow-first-byte'; delayMs: number }
    );

/** Every fault type name. */
export const FAULT_TYPES: readonly SandboxFault['type'][] = [
    'rate-limit',
    'concurrency-limit',
    'server-error',
    'reset',
    'truncate',
    'simple-return',
    'registration-required',
    'slow-first-byte',
    ...HOSTILE_FAULT_TYPES
];

/** A queued fault with its remaining budget. */
export interface PendingFault {
    id: number;
    fault: SandboxFault;
    /** Matching requests seen so far. */
    seen: number;
    /** Firings left. */
    remaining: number;
}

/** A fault that fired, for assertions and the admin log. */
export interface FiredFault {
    id: number;
    type: SandboxFault['type'];
    endpoint: SandboxEndpoint;
    at: string;
}

/**
 * Queue of injected faults. Each API request (after authentication) asks `take` once; faults are considered in
 * injection order, each counts the matching requests it has seen, and the first one that is due fires.
 */
export class FaultInjector {
    private readonly queue: PendingFault[] = [];
    private readonly history: FiredFault[] = [];
    private nextId = 1;

    /** Queues a fault (validated); returns its id. */
    inject(fault: SandboxFault): number {
        const checked = FaultInjector.validate(fault);
        const id = this.nextId++;
        this.queue.push({ id, fault: checked, seen: 0, remaining: Math.max(1, Math.floor(checked.times ?? 1)) });
        return id;
    }

    /** Removes every pending fault. Returns how many were removed. */
    clear(): number {
        return this.queue.splice(0).length;
    }

    /** Removes one pending fault by id. */
    remove(id: number): boolean {
        const index = this.queue.findIndex(entry => entry.id === id);
        if (index >= 0) this.queue.splice(index, 1);
        return index >= 0;
    }

    /** Faults still waiting to fire. */
    pending(): readonly PendingFault[] {
        return this.queue.map(entry => ({ ...entry }));
    }

    /** Faults that fired so far, oldest first. */
    fired(): readonly FiredFault[] {
        return [...this.history];
    }

    /** Returns the fault to apply to a request to `endpoint`, if one is due, and consumes one firing. */
    take(endpoint: SandboxEndpoint): SandboxFault | undefined {
        let chosen: PendingFault | undefined;
        for (const entry of this.queue) {
            if (entry.fault.endpoint !== undefined && entry.fault.endpoint !== endpoint) continue;
            entry.seen++;
            if (!chosen && entry.seen >= (entry.fault.onRequest ?? 1)) chosen = entry;
        }
        if (!chosen) return undefined;
        chosen.remaining--;
        if (chosen.remaining <= 0) this.remove(chosen.id);
        this.history.push({ id: chosen.id, type: chosen.fault.type, endpoint, at: new Date().toISOString() });
        return chosen.fault;
    }

    /** Checks an untrusted value (e.g. admin JSON) is a well-formed fault; throws TypeError otherwise. */
    static validate(value: unknown): SandboxFault {
        if (typeof value !== 'object' || value === null) throw new TypeError('fault must be an object');
        const fault = value as Record<string, unknown>;
        const type = fault.type as SandboxFault['type'];
        if (!FAULT_TYPES.includes(type)) throw new TypeError(`fault type must be one of ${FAULT_TYPES.join(', ')}`);
        const numberFields = [
            'times',
            'onRequest',
            'toWaitSec',
            'status',
            'afterHosts',
            'delayMs',
            'code',
            'depth',
            'sizeMb'
        ];
        for (const field of numberFields) {
            if (
                fault[field] !== undefined &&
                (typeof fault[field] !== 'number' || !Number.isFinite(fault[field]) || (fault[field] as number) < 0)
            ) {
                throw new TypeError(`fault.${field} must be a non-negative number`);
            }
        }
        if (fault.endpoint !== undefined && !['hld', 'kb', 'scans', 'about'].includes(fault.endpoint as string)) {
            throw new TypeError('fault.endpoint must be hld, kb, scans or about');
        }
        if (type === 'simple-return' && (typeof fault.code !== 'number' || typeof fault.text !== 'string')) {
            throw new TypeError('a simple-return fault needs a numeric code and a text');
        }
        if (type === 'slow-first-byte' && typeof fault.delayMs !== 'number')
            throw new TypeError('slow-first-byte needs delayMs');
        if (type === 'huge-text' && fault.endpoint !== 'hld') {
            throw new TypeError('huge-text goes into a RESULTS: it needs endpoint hld');
        }
        if (
            type === 'server-error' &&
            fault.status !== undefined &&
            ((fault.status as number) < 500 || (fault.status as number) > 599)
        ) {
            throw new TypeError('server-error status must be 5xx');
        }
        return value as SandboxFault;
    }
}
