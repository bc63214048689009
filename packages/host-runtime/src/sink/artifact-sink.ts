import type { Artifact } from '@signal-connectors/connector-sdk';

/** DI token for {@link ArtifactSink}. */
export const ArtifactSink = Symbol('ArtifactSink');

/**
 * Where artifacts are delivered. `write` resolves only once the artifacts are durable (fsynced, or
 * acknowledged with a 2xx); it rejects when they may not be, and then the checkpoint does not move.
 */
export interface ArtifactSink {
    write(instanceId: string, artifacts: readonly Artifact[]): Promise<void>;
    close(): Promise<void>;
}
