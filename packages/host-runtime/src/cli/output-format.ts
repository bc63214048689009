import { join } from 'node:path';
import { compareCodePoints, formatCount, formatDuration } from '@signal-connectors/connector-sdk';
import type { SinkConfig } from '../config/runtime-config.js';

/** `2025-05-14 08:00:03Z`: a UTC timestamp, unambiguous in a log or a ticket. */
export function formatTimestamp(time: number | string): string {
    return new Date(time)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$/, 'Z');
}

/** `2025-05-14 08:00:03Z (5m ago)` or `(in 30s)`, relative to `now`. */
export function formatWhen(time: number | string, now: number): string {
    const at = typeof time === 'number' ? time : Date.parse(time);
    const delta = at - now;
    if (Math.abs(delta) < 1000) return `${formatTimestamp(at)} (now)`;
    const span = formatDuration(Math.abs(delta));
    return `${formatTimestamp(at)} (${delta > 0 ? `in ${span}` : `${span} ago`})`;
}

/** `3.2s`, `1m05s`: a poll's duration, with tenths of a second for short ones. */
export function formatElapsed(ms: number): string {
    if (ms < 1000) return `${Math.round(ms)}ms`;
    if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
    return formatDuration(ms);
}

/** Where a sink delivers an instance's artifacts, in words: a directory, stdout or a URL. */
export function describeDestination(sink: SinkConfig, instanceId?: string): string {
    switch (sink.type) {
        case 'jsonl':
            return instanceId === undefined
                ? `JSON lines under ${sink.path}`
                : `${join(sink.path, instanceId)}/<YYYY-MM-DD>.jsonl`;
        case 'stdout':
            return 'stdout (JSON lines)';
        case 'http':
            return `HTTP POST to ${sink.url}`;
    }
}

/** `pages` -> `pages`, `rateLimitWaits` -> `rate-limit waits`: a connector's progress counter, in words. */
export function counterLabel(name: string): string {
    const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
    return words.replace(/^rate limit /, 'rate-limit ');
}

/** `3 pages · 1 host · 0 rate-limit waits`: a batch's progress counters, in the connector's order. */
export function formatCounters(counters: Readonly<Record<string, number>>): string {
    return Object.entries(counters)
        .map(([name, value]) => {
            const label = counterLabel(name);
            // Counter names are plural nouns; "1 pages" reads wrong.
            return `${formatCount(value)} ${value === 1 && label.endsWith('s') ? label.slice(0, -1) : label}`;
        })
        .join(' · ');
}

/** `3,600 ocsf.vulnerability_finding, 12 qualys.scan`: artifact counts by type, the largest first. */
export function formatTypeCounts(counts: Readonly<Record<string, number>>): string {
    return Object.entries(counts)
        .sort(([a, x], [b, y]) => y - x || compareCodePoints(a, b))
        .map(([type, count]) => `${formatCount(count)} ${type}`)
        .join(', ');
}
