/** Where an artifact came from: the connector's manifest id and the configured instance id. */
export interface ArtifactSource {
    readonly connector: string;
    readonly instance: string;
}

/**
 * Key of an artifact's pre-rendered JSON text. A connector that emits many artifacts of one shape may render each
 * once, as text, while it maps it (reusing the parts many artifacts share), and attach the text with
 * {@link withArtifactJson}; sinks then write it as it is instead of serialising the object again. The text must be
 * exactly `JSON.stringify` of the artifact's own fields. A symbol, so `JSON.stringify` and copies never see it.
 */
export const ARTIFACT_JSON: unique symbol = Symbol.for('@signal-connectors/connector-sdk.artifact-json');

/**
 * The envelope every connector emits. `id` is stable for the same logical record, so a consumer can
 * drop the duplicates that at-least-once delivery may produce.
 */
export interface Artifact<Data = unknown> {
    /** Stable identifier: the same record redelivered carries the same id. */
    readonly id: string;
    /** What `data` holds, e.g. `ocsf.vulnerability_finding` or `qualys.run_summary`. */
    readonly type: string;
    /** ISO-8601 UTC time the record describes (not the time it was collected). */
    readonly time: string;
    readonly source: ArtifactSource;
    readonly data: Data;
    /** The artifact's JSON text, when the connector rendered it (see {@link ARTIFACT_JSON}). */
    readonly [ARTIFACT_JSON]?: string;
}

/**
 * Attaches `json`, the artifact's JSON text, to `artifact` and returns it. The text is a non-enumerable property:
 * a spread copy (`{ ...artifact, data }`) does not inherit it, so a changed copy is never written with stale text.
 */
export function withArtifactJson<A extends Artifact>(artifact: A, json: string): A {
    Object.defineProperty(artifact, ARTIFACT_JSON, { value: json, enumerable: false, writable: false });
    return artifact;
}

/**
 * The same artifact holding only its rendered text (see {@link withArtifactJson}): `data` is parsed back from the
 * text when first read. A connector that hands out many rendered artifacts per batch uses it so that the batch, held
 * while it is delivered, holds text alone: the object tree each artifact was rendered from dies young instead of
 * being kept (and copied by the garbage collector) until the batch is written. An artifact without rendered text
 * is returned as it is.
 */
export function keepTextOnly<Data>(artifact: Artifact<Data>): Artifact<Data> {
    const json = artifact[ARTIFACT_JSON];
    if (json === undefined) return artifact;
    // A plain object whose `data` getter is one function for all: about 100 bytes beside its text. A getter written
    // in an object literal would be a new closure, and a new shape, for every artifact (about 600 bytes).
    const lean = { id: artifact.id, type: artifact.type, time: artifact.time, source: artifact.source };
    Object.defineProperty(lean, 'data', DATA_FROM_TEXT);
    Object.defineProperty(lean, ARTIFACT_JSON, { value: json });
    Object.defineProperty(lean, PARSED, { value: undefined, writable: true });
    return lean as Artifact<Data>;
}

/** Where an artifact from {@link keepTextOnly} keeps its text parsed, once `data` was read. */
const PARSED: unique symbol = Symbol('parsed artifact JSON');

interface TextOnlyArtifact {
    readonly [ARTIFACT_JSON]: string;
    [PARSED]: { data: unknown } | undefined;
}

/** `data` of an artifact from {@link keepTextOnly}: own and enumerable, so keys, copies and JSON see it. */
const DATA_FROM_TEXT: PropertyDescriptor = {
    get(this: TextOnlyArtifact): unknown {
        this[PARSED] ??= JSON.parse(this[ARTIFACT_JSON]) as { data: unknown };
        return this[PARSED].data;
    },
    enumerable: true
};

/**
 * The JSON text of an artifact: its pre-rendered text when the connector attached one, else `JSON.stringify`.
 * Throws a TypeError for an artifact that is not JSON (a BigInt, a cycle).
 */
export function artifactJson(artifact: Artifact): string {
    return artifact[ARTIFACT_JSON] ?? JSON.stringify(artifact);
}
