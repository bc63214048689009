import { formatCount, formatDuration } from '@signal-connectors/connector-sdk';
import type { StreamState } from '../state/state-store.js';

/**
 * The streams of one instance, for `status`: a table of each stream's last status (and how long ago), the
 * artifacts its last run delivered and the age of its checkpoint, then the error of each failed stream.
 *
 * ```
 * qualys-prod streams:
 *   STREAM           STATUS    SINCE    LAST RUN      CHECKPOINT AGE
 *   host_detections  complete  2m ago   3,612 artifacts  2m
 *   scans            failed    2m ago   0 artifacts   3d4h
 *   scans failed (transient): Qualys answered HTTP 500 to the scan list
 *     hint: retried on the next poll
 * ```
 */
export function streamLines(instanceId: string, streams: readonly StreamState[], now: number): string[] {
    if (streams.length === 0) return [];
    const header = ['STREAM', 'STATUS', 'SINCE', 'LAST RUN', 'CHECKPOINT AGE'];
    const cells = streams.map(stream => [
        stream.stream,
        stream.status ?? 'never ended',
        stream.statusAt === undefined ? '-' : `${age(stream.statusAt, now)} ago`,
        `${formatCount(stream.runArtifacts)} artifact${stream.runArtifacts === 1 ? '' : 's'}`,
        stream.checkpointAt === undefined ? 'none' : age(stream.checkpointAt, now)
    ]);
    const widths = header.map((title, i) => Math.max(title.length, ...cells.map(cell => cell[i].length)));
    const lines = ['', `${instanceId} streams:`];
    for (const cell of [header, ...cells]) {
        lines.push(`  ${cell.map((text, i) => text.padEnd(widths[i])).join('  ')}`.trimEnd());
    }
    for (const stream of streams) {
        if (stream.status !== 'failed' || stream.error === undefined) continue;
        lines.push(`  ${stream.stream} failed (${stream.error.kind}): ${stream.error.message}`);
        if (stream.error.hint !== undefined) lines.push(`    hint: ${stream.error.hint}`);
    }
    return lines;
}

/** `5m`, `3d4h`: how long ago an ISO time was, to the second (`0s` for the future, clock skew included). */
function age(iso: string, now: number): string {
    const ms = Math.max(0, now - Date.parse(iso));
    return ms < 1000 ? '0s' : formatDuration(ms);
}
