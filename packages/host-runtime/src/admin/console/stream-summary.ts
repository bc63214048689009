import { DEFAULT_STREAM_ID, formatCount, type StreamDeclaration } from '@signal-connectors/connector-sdk';
import type { RecordedError, RunRecord } from '../../state/state-store.js';
import { countOf, describeKind, humanizeKey } from './format.js';

/** The streams a connector declares, as the console names them. */
export type StreamTitles = ReadonlyMap<string, string>;

/** Stream id -> title, from the catalog entry's declarations. */
export function streamTitles(declared: readonly StreamDeclaration[] | undefined): StreamTitles {
    return new Map((declared ?? []).map(stream => [stream.id, stream.title]));
}

/** The stream's title, or its id in words when the manifest does not declare it. */
export function titleOf(titles: StreamTitles, id: string): string {
    return titles.get(id) ?? humanizeKey(id);
}

/** A stream that failed in a run, with its title. */
export interface FailedStream {
    id: string;
    title: string;
    error: RecordedError;
}

/**
 * The streams that failed in `run`, in the manifest's order. The single default stream of a connector that declares
 * none is not named: its failure is the poll's.
 */
export function failedStreams(run: RunRecord | undefined, titles: StreamTitles): FailedStream[] {
    const failed = Object.entries(run?.streams ?? {}).flatMap(([id, outcome]) =>
        outcome.status === 'failed' && id !== DEFAULT_STREAM_ID ? [{ id, title: titleOf(titles, id), error: outcome.error ?? { kind: 'unknown', message: 'failed' } }] : []
    );
    const order = [...titles.keys()];
    return failed.sort((a, b) => rank(order, a.id) - rank(order, b.id));
}

/**
 * What a Failing status line says after its word: the failed streams by name with their kind
 * (`Host detections and Scans: authentication failed (auth)`), or the poll's own error kind.
 */
export function failingReason(failed: readonly FailedStream[], fallback: RecordedError | undefined): string {
    if (failed.length === 0) return fallback === undefined ? 'the last poll failed' : describeKind(fallback.kind);
    const kinds = [...new Set(failed.map(stream => stream.error.kind))];
    if (kinds.length === 1) return `${listOf(failed.map(stream => stream.title))}: ${describeKind(kinds[0])}`;
    return failed.map(stream => `${stream.title}: ${describeKind(stream.error.kind)}`).join('; ');
}

/**
 * The failed streams grouped by what went wrong: streams that failed with the same message and hint (a wrong
 * password fails them all alike) are named together once.
 */
export function groupedFailures(failed: readonly FailedStream[]): { titles: string; error: RecordedError }[] {
    const groups = new Map<string, { titles: string[]; error: RecordedError }>();
    for (const stream of failed) {
        const key = `${stream.error.message}\n${stream.error.hint ?? ''}`;
        const group = groups.get(key) ?? { titles: [], error: stream.error };
        group.titles.push(stream.title);
        groups.set(key, group);
    }
    return [...groups.values()].map(group => ({ titles: listOf(group.titles), error: group.error }));
}

/** One stream's part of a run: its title, artifacts and whether it failed. */
export interface StreamCount {
    id: string;
    title: string;
    artifacts: number;
    failed: boolean;
}

/** The artifact counts of a run per stream, in the manifest's order; empty when the run recorded no streams. */
export function streamCounts(run: Pick<RunRecord, 'streams'>, titles: StreamTitles): StreamCount[] {
    const order = [...titles.keys()];
    return Object.entries(run.streams ?? {})
        .map(([id, outcome]) => ({ id, title: titleOf(titles, id), artifacts: outcome.artifacts, failed: outcome.status === 'failed' }))
        .sort((a, b) => rank(order, a.id) - rank(order, b.id));
}

/**
 * A run's artifact counts as one line: per stream (`Host detections 3,600 · KnowledgeBase 120 · Scans 2 (failed)`),
 * or, for a connector with the single default stream or a run that recorded none, the total and its batches.
 */
export function runCountsText(run: Pick<RunRecord, 'streams' | 'artifacts' | 'batches'>, titles: StreamTitles): string {
    const counts = streamCounts(run, titles);
    if (counts.length === 0 || (counts.length === 1 && counts[0].id === DEFAULT_STREAM_ID && !counts[0].failed)) {
        return `${countOf(run.artifacts, 'artifact')} in ${countOf(run.batches, 'batch', 'batches')}`;
    }
    // No-break spaces keep each stream's name with its count when the line wraps.
    return counts.map(count => `${count.title}\u00a0${formatCount(count.artifacts)}${count.failed ? '\u00a0(failed)' : ''}`).join(' · ');
}

/** `a`, `a and b`, `a, b and c`. */
function listOf(items: readonly string[]): string {
    return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function rank(order: readonly string[], id: string): number {
    const index = order.indexOf(id);
    return index === -1 ? order.length : index;
}
