import type { Artifact } from '@signal-connectors/connector-sdk';
import type { ArtifactSink } from '../sink/artifact-sink.js';

/**
 * Wraps the configured sink and counts, per instance, the artifacts of each type it acknowledged, for the
 * per-poll summary ("3,600 ocsf.vulnerability_finding, 12 qualys.scan"). Counting costs one pass over each
 * batch; the scheduler never runs two polls of one instance at once, so the counts of an instance belong to its
 * current poll.
 */
export class CountingSink implements ArtifactSink {
    private readonly counts = new Map<string, Map<string, number>>();

    constructor(
        /** The sink that really delivers. */
        readonly inner: ArtifactSink
    ) {}

    async write(instanceId: string, artifacts: readonly Artifact[]): Promise<void> {
        await this.inner.write(instanceId, artifacts);
        // Counted only once acknowledged: the summary tells what was delivered, not what was attempted.
        let counts = this.counts.get(instanceId);
        if (counts === undefined) {
            counts = new Map();
            this.counts.set(instanceId, counts);
        }
        for (const artifact of artifacts) counts.set(artifact.type, (counts.get(artifact.type) ?? 0) + 1);
    }

    /** The counts by type since the last call for this instance, then starts counting from zero. */
    take(instanceId: string): Record<string, number> {
        const counts = this.counts.get(instanceId);
        this.counts.delete(instanceId);
        return counts === undefined ? {} : Object.fromEntries(counts);
    }

    close(): Promise<void> {
        return this.inner.close();
    }
}

/** The sink of commands that never deliver (`validate`, `test`): any write is a bug, and says so. */
export const NO_SINK: ArtifactSink = {
    write: () => Promise.reject(new Error('this command does not deliver artifacts')),
    close: () => Promise.resolve()
};
