import { formatCount, formatDuration } from '@signal-connectors/connector-sdk';
import type { InstanceHealth } from '../instance-view.js';

/** `Healthy`, `Failing`...: the word a status element starts with. */
export const HEALTH_LABELS: Record<InstanceHealth, string> = {
    healthy: 'Healthy',
    failing: 'Failing',
    disabled: 'Disabled',
    pending: 'Pending',
    running: 'Running'
};

/** `2026-05-14 08:00:03 UTC`. */
export function formatTime(iso: string | undefined): string {
    if (iso === undefined) return '—';
    return `${iso.replace('T', ' ').replace(/\.\d{3}Z$/, '').replace(/Z$/, '')} UTC`;
}

/** `just now`, `42s ago`, `5m ago`, `in 1h 20m`, `3d 4h ago`: coarse, for a glance. */
export function relativeTime(iso: string | undefined, now = Date.now()): string {
    if (iso === undefined) return '';
    const delta = Date.parse(iso) - now;
    const seconds = Math.floor(Math.abs(delta) / 1000);
    if (seconds < 1) return 'just now';
    const span = coarseSpan(seconds);
    return delta > 0 ? `in ${span}` : `${span} ago`;
}

function coarseSpan(seconds: number): string {
    if (seconds < 60) return `${seconds}s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes}m`;
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
    const days = Math.floor(hours / 24);
    return hours % 24 === 0 ? `${days}d` : `${days}d ${hours % 24}h`;
}

/** `1.2s`, `3m05s`. */
export function formatRunDuration(startedAt: string, finishedAt: string | undefined): string {
    if (finishedAt === undefined) return '—';
    const ms = Date.parse(finishedAt) - Date.parse(startedAt);
    if (ms < 1000) return `${ms}ms`;
    if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
    return formatDuration(ms);
}

/** What each error kind means, in words: the status line names it before the message. */
const KIND_WORDS: Record<string, string> = {
    auth: 'authentication failed',
    permission: 'permission denied',
    config: 'configuration problem',
    not_found: 'not found',
    rate_limited: 'rate limited',
    transient: 'temporary failure',
    protocol: 'unexpected response',
    sink: 'delivery failed',
    state: 'state store failure'
};

/** `authentication failed (auth)`; an unknown kind as it is. */
export function describeKind(kind: string): string {
    const words = KIND_WORDS[kind];
    return words === undefined ? kind : `${words} (${kind})`;
}

/** Abbreviations written in capitals when a key is turned into words. */
const ACRONYMS = new Set(['api', 'url', 'id', 'kb', 'http', 'https', 'ca', 'ip', 'tls', 'ocsf', 'qid']);

/** `rateLimit` -> `Rate limit`, `apiServer` -> `API server`: a report's or a setting's key as a label. */
export function humanizeKey(key: string): string {
    const words = key
        .replace(/[_-]+/g, ' ')
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
        .trim()
        .split(/\s+/)
        .map(word => (ACRONYMS.has(word.toLowerCase()) ? word.toUpperCase() : word.toLowerCase()));
    const text = words.join(' ');
    return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `{ limit: 300, remaining: 298, windowSec: 3600 }` -> `limit 300, remaining 298, window 3600 s`. */
export function describeValue(value: unknown): string {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        return Object.entries(value)
            .filter(([, inner]) => inner !== undefined && inner !== null)
            .map(([name, inner]) => {
                const unit = /^(.*[a-z])(Sec|Seconds|Ms)$/.exec(name);
                const label = humanizeKey(unit?.[1] ?? name).toLowerCase();
                const suffix = unit === null ? '' : unit[2] === 'Ms' ? ' ms' : ' s';
                return `${label} ${describeValue(inner)}${suffix}`;
            })
            .join(', ');
    }
    if (Array.isArray(value)) return value.map(describeValue).join(', ');
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    if (typeof value === 'number') return formatCount(value);
    return String(value);
}

/** "1 artifact", "3,600 artifacts", "2 batches". */
export function countOf(count: number, noun: string, pluralNoun = `${noun}s`): string {
    return `${formatCount(count)} ${count === 1 ? noun : pluralNoun}`;
}
