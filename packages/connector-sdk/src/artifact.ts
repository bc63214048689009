/** Where an artifact came from: the connector's manifest id and the configured instance id. */
export interface ArtifactSource {
    readonly connector: string;
    readonly instance: string;
}

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
}
