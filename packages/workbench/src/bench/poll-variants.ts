/** Settings our poll runs with beside the defaults, and the name the report gives them. */
export interface PollVariant {
    name: string;
    /** Written into the instance's settings as `name: value` (a value may be a YAML flow mapping). */
    settings: Readonly<Record<string, string | number | boolean>>;
}

/** Our poll as a user gets it: every setting at its default. */
export const DEFAULT_SETTINGS: PollVariant = { name: 'default settings', settings: {} };

/**
 * Our poll asking Qualys for about what the peer asks: API 2.0's detection fields (no per-detection CVE list,
 * detection sources or TruRisk status), no Qualys Detection Score and no cloud metadata. Where each answer comes
 * at a paced rate, its bytes bound the sync, so this compares the two readers on the same bytes.
 */
export const PEER_DETAIL: PollVariant = {
    name: "the peer's detail",
    settings: { qds: false, cloudMetadata: false, apiVersion: '{ hostDetection: "2.0" }' }
};

/** The settings of a variant as the report shows them, e.g. `qds: false, cloudMetadata: false`. */
export function describeSettings(variant: PollVariant): string {
    return Object.entries(variant.settings)
        .map(([name, value]) => `${name}: ${value}`)
        .join(', ');
}
