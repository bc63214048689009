import { readFileSync } from 'node:fs';

/** An attribute of a compact class or object. */
export interface CompactAttribute {
    /** A data type (`string_t`, `timestamp_t`, …) or an object name. */
    type: string;
    array?: true;
    /** `required` or `recommended`; absent for optional attributes. */
    req?: 'required' | 'recommended';
    /** The profile the attribute belongs to: it may only be used when `metadata.profiles` lists it. */
    profile?: string;
    /** Enum values and their captions. */
    enum?: Record<string, string>;
    /** The attribute holding the caption of this enum's value, e.g. `status` for `status_id`. */
    sibling?: string;
}

/** An object of the schema: its attributes and constraints (`at_least_one`, `just_one`). */
export interface CompactObject {
    attributes: Record<string, CompactAttribute>;
    constraints?: Record<string, string[]>;
}

/** A data type: its base type and the limits on its values. */
export interface CompactType {
    base?: string;
    regex?: string;
    maxLength?: number;
    range?: [number, number];
}

/**
 * One OCSF event class compiled from the schema source: the class with `extends`, `$include` and profiles resolved,
 * every object reachable from it, and the data types. What `ocsf-schema-compactor.ts` writes and the validator reads.
 */
export interface CompactOcsfClass {
    ocsfVersion: string;
    class: {
        name: string;
        caption: string;
        uid: number;
        categoryUid: number;
        attributes: Record<string, CompactAttribute>;
    };
    objects: Record<string, CompactObject>;
    types: Record<string, CompactType>;
}

/** The committed compact form of Vulnerability Finding (class 2002), OCSF 1.5.0. */
export const VULNERABILITY_FINDING_1_5_0 = new URL('../../ocsf/vulnerability_finding-1.5.0.json', import.meta.url);

/** Reads a compact class file, e.g. {@link VULNERABILITY_FINDING_1_5_0}. */
export function loadCompactOcsfClass(file: URL | string = VULNERABILITY_FINDING_1_5_0): CompactOcsfClass {
    return JSON.parse(readFileSync(file, 'utf8')) as CompactOcsfClass;
}
