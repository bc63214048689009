/** Signals that ask the CLI to stop: Ctrl-C and the service manager's stop. */
export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Where signals come from: `process`, or a stand-in in tests. */
export interface SignalSource {
    on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
    off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * Turns SIGINT/SIGTERM into a graceful stop, and a second one into an immediate exit: the first resolves
 * {@link requested} (the command then stops at a batch boundary), the second calls `onForce`, for someone who
 * does not want to wait. Installing the listeners also stops Node from dying on the first signal.
 */
export class ShutdownSignals {
    /** Resolves with the first signal received. */
    readonly requested: Promise<NodeJS.Signals>;
    private received = 0;
    private resolveRequested!: (signal: NodeJS.Signals) => void;
    private readonly listener = (signal: NodeJS.Signals): void => this.receive(signal);

    constructor(
        private readonly onForce: (signal: NodeJS.Signals) => void,
        private readonly source: SignalSource = process
    ) {
        this.requested = new Promise(resolve => (this.resolveRequested = resolve));
        for (const signal of SHUTDOWN_SIGNALS) source.on(signal, this.listener);
    }

    /** Whether a stop was requested. */
    get stopping(): boolean {
        return this.received > 0;
    }

    /** Removes the listeners: from then on a signal has its default effect again. */
    dispose(): void {
        for (const signal of SHUTDOWN_SIGNALS) this.source.off(signal, this.listener);
    }

    private receive(signal: NodeJS.Signals): void {
        this.received++;
        if (this.received === 1) this.resolveRequested(signal);
        else this.onForce(signal);
    }
}
