import type { Artifact } from '@signal-connectors/connector-sdk';
import type { ArtifactSink } from '../sink/artifact-sink.js';

/** One acknowledged write of an {@link InMemorySink}. */
export interface SinkWrite {
    instanceId: string;
    artifacts: Artifact[];
}

/**
 * An {@link ArtifactSink} in memory. `failWith` makes writes reject (all of them, or those a predicate picks);
 * `hold()` makes the next writes wait until `release()`, to test what happens while a write is in flight.
 */
export class InMemorySink implements ArtifactSink {
    /** Writes that were acknowledged, in order. */
    readonly writes: SinkWrite[] = [];
    /** Every write attempt, acknowledged or not. */
    attempts = 0;
    closed = false;
    private failure?: { error: Error; when: (instanceId: string, artifacts: readonly Artifact[]) => boolean };
    private gate?: { promise: Promise<void>; open: () => void };

    /** Makes matching writes reject with `error` (every write when `when` is omitted). */
    failWith(error: Error, when: (instanceId: string, artifacts: readonly Artifact[]) => boolean = () => true): void {
        this.failure = { error, when };
    }

    /** Writes succeed again. */
    heal(): void {
        this.failure = undefined;
    }

    /** Writes from now on wait for {@link release}. */
    hold(): void {
        let open!: () => void;
        const promise = new Promise<void>(resolve => (open = resolve));
        this.gate = { promise, open };
    }

    /** Lets the held writes (and later ones) through. */
    release(): void {
        const gate = this.gate;
        this.gate = undefined;
        gate?.open();
    }

    /** The artifacts acknowledged for an instance (all instances when omitted). */
    artifacts(instanceId?: string): Artifact[] {
        return this.writes
            .filter(write => instanceId === undefined || write.instanceId === instanceId)
            .flatMap(write => write.artifacts);
    }

    async write(instanceId: string, artifacts: readonly Artifact[]): Promise<void> {
        this.attempts++;
        if (this.gate !== undefined) await this.gate.promise;
        if (this.failure?.when(instanceId, artifacts)) throw this.failure.error;
        this.writes.push({ instanceId, artifacts: [...artifacts] });
    }

    async close(): Promise<void> {
        this.closed = true;
    }
}
