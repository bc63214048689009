import type { ConnectorError } from './connector-error.js';

/**
 * A stream a connector declares in its manifest: one kind of data with its own checkpoint and its own status,
 * e.g. `host_detections`, `knowledge_base`, `scans`. One stream failing never stops or rolls back another.
 */
export interface StreamDeclaration {
    /** snake_case, unique within the manifest, e.g. `host_detections`. */
    id: string;
    /** For people, e.g. `Host detections`. */
    title: string;
    /** One sentence: what the stream delivers and how incrementally. */
    description: string;
}

/** Stream ids: snake_case words of lower-case letters and digits, starting with a letter (`host_detections`). */
export const STREAM_ID_PATTERN = '^[a-z][a-z0-9]*(_[a-z0-9]+)*$';

/** The id of the single stream of a connector whose manifest declares none. */
export const DEFAULT_STREAM_ID = 'default';

/** The stream of a connector whose manifest declares none: everything it collects, under one checkpoint. */
export const DEFAULT_STREAM: Readonly<StreamDeclaration> = Object.freeze({
    id: DEFAULT_STREAM_ID,
    title: 'Default',
    description: 'Everything the connector collects, under one checkpoint (its manifest declares no streams).'
});

/**
 * The key under which `poll` receives a checkpoint committed before the connector had streams (one checkpoint
 * per instance), so a connector with several streams can split it and resume without a full re-sync. It cannot
 * clash with a stream id (those start with a letter). A connector with a single stream never sees it: the host
 * hands such a checkpoint over as that stream's own. The host forgets it once every declared stream has
 * committed a checkpoint of its own.
 */
export const LEGACY_CHECKPOINT_KEY = '_legacy';

/**
 * The last committed checkpoint of each stream, by stream id, as `poll` receives it: plain JSON, as it was
 * yielded. A stream that never committed one is absent (start it from scratch). May also hold
 * {@link LEGACY_CHECKPOINT_KEY}.
 */
export type StreamCheckpoints = Readonly<Record<string, unknown>>;

/**
 * How a stream ended in this poll, yielded once per stream that ran, after its last batch:
 * - `complete`: everything the stream had to deliver this poll was yielded;
 * - `failed`: the stream stopped on `error`; its checkpoint stays at its last committed batch, and the other
 *   streams go on.
 * A stream a poll does not run (turned off by its config) yields no status.
 */
export type StreamStatus =
    { stream: string; status: 'complete' } | { stream: string; status: 'failed'; error: ConnectorError };

/** The streams a manifest declares, or the single {@link DEFAULT_STREAM} when it declares none. */
export function declaredStreams(manifest: { streams?: readonly StreamDeclaration[] }): readonly StreamDeclaration[] {
    return manifest.streams !== undefined && manifest.streams.length > 0 ? manifest.streams : [DEFAULT_STREAM];
}
