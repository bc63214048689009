import { formatDuration } from '@signal-connectors/connector-sdk';
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

/** `5m ago`, `in 30s`. */
export function relativeTime(iso: string | undefined, now = Date.now()): string {
    if (iso === undefined) return '';
    const delta = Date.parse(iso) - now;
    if (Math.abs(delta) < 1000) return 'now';
    const span = formatDuration(Math.abs(delta) - (Math.abs(delta) % 1000));
    return delta > 0 ? `in ${span}` : `${span} ago`;
}

/** `1.2s`, `3m05s`. */
export function formatRunDuration(startedAt: string, finishedAt: string | undefined): string {
    if (finishedAt === undefined) return '—';
    const ms = Date.parse(finishedAt) - Date.parse(startedAt);
    if (ms < 1000) return `${ms}ms`;
    if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
    return formatDuration(ms);
}

/** `12,345`. */
export function formatCount(value: number): string {
    return value.toLocaleString('en-US');
}
