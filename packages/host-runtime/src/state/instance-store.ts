/** DI token for {@link InstanceStore}. */
export const InstanceStore = Symbol('InstanceStore');

/** A connector instance made in the console (or through the admin API), as stored. */
export interface StoredInstance {
    /** Unique across the file's and the console's instances, e.g. `qualys-prod`. */
    id: string;
    /** The plugin's manifest id. */
    connector: string;
    enabled: boolean;
    /** A duration such as `30m`. */
    pollingInterval: string;
    /** The settings without their secret fields (those the manifest's schema marks `writeOnly`). */
    settings: Record<string, unknown>;
    /**
     * The secret fields, encrypted with the runtime's secret key (see `SecretBox`); absent when the instance has
     * none. The store never sees a secret in clear.
     */
    sealedSecrets?: string;
    createdAt: string;
    updatedAt: string;
}

/**
 * Where console-made instances live. Implemented by the state store's backend (the SQLite store does), so a
 * second backend implements both together and the instances travel with their checkpoints.
 */
export interface InstanceStore {
    /** Every stored instance, oldest first. */
    listInstances(): StoredInstance[];
    getInstance(id: string): StoredInstance | undefined;
    /** Inserts or replaces the instance with this id. */
    saveInstance(instance: StoredInstance): void;
    /**
     * Removes the instance and everything recorded for it: checkpoint, status, run history and its key-value
     * namespace. Returns false when there was no such instance.
     */
    deleteInstance(id: string): boolean;
}

/** Whether a state store also keeps console-made instances. */
export function isInstanceStore(value: unknown): value is InstanceStore {
    const candidate = value as Partial<InstanceStore> | undefined;
    return typeof candidate?.listInstances === 'function' && typeof candidate.saveInstance === 'function';
}
