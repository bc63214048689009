import { injectable } from 'inversify';

/** DI token for {@link Clock}. */
export const Clock = Symbol.for('@signal-connectors/connector-sdk:Clock');

/** Time as a connector may see it; tests swap in a fake one to make waits instant and exact. */
export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
@injectable()
export class SystemClock implements Clock {
    now(): number {
        return Date.now();
    }

    sleep(ms: number, signal?: AbortSignal): Promise<void> {
        return new Promise((resolve, reject) => {
            if (signal?.aborted) {
                reject(signal.reason);
                return;
            }
            const timer = setTimeout(() => {
                signal?.removeEventListener('abort', onAbort);
                resolve();
            }, Math.max(0, ms));
            const onAbort = (): void => {
                clearTimeout(timer);
                reject(signal?.reason);
            };
            signal?.addEventListener('abort', onAbort, { once: true });
        });
    }
}
