/**
 * How Qualys' severity, status, detection type and QDS map onto OCSF's normalised enums. Each table is a
 * module constant so the mapper only looks values up.
 */

/** An OCSF enum value with its caption (the `*_id` / label sibling pair). */
export interface OcsfEnumValue {
    id: number;
    caption: string;
}

const UNKNOWN: OcsfEnumValue = { id: 0, caption: 'Unknown' };

/**
 * Qualys severity 1-5 -> OCSF `severity_id`, one to one: both scales have five ordered levels and Qualys' own
 * descriptions line up (1 Minimal: information disclosure only ... 5 Urgent: remote takeover). Index = level.
 */
const SEVERITIES: readonly OcsfEnumValue[] = [
    UNKNOWN,
    { id: 1, caption: 'Informational' },
    { id: 2, caption: 'Low' },
    { id: 3, caption: 'Medium' },
    { id: 4, caption: 'High' },
    { id: 5, caption: 'Critical' }
];

/** Qualys' names for its levels, kept as the vendor severity (`vulnerabilities[].severity`). Index = level. */
const QUALYS_SEVERITY_NAMES: readonly (string | undefined)[] = [
    undefined,
    'Minimal',
    'Medium',
    'Serious',
    'Critical',
    'Urgent'
];

/** OCSF `severity_id` for a Qualys level; Unknown (0) outside 1-5. */
export function severityOf(level: number | undefined): OcsfEnumValue {
    return (level !== undefined && SEVERITIES[level]) || UNKNOWN;
}

/** Qualys' name for a level (`Minimal` ... `Urgent`); undefined outside 1-5. */
export function qualysSeverityName(level: number | undefined): string | undefined {
    return level === undefined ? undefined : QUALYS_SEVERITY_NAMES[level];
}

/** The OCSF status and activity of one Qualys detection status. */
export interface FindingState {
    status: OcsfEnumValue;
    activity: OcsfEnumValue;
}

const CREATE: OcsfEnumValue = { id: 1, caption: 'Create' };
const UPDATE: OcsfEnumValue = { id: 2, caption: 'Update' };
const CLOSE: OcsfEnumValue = { id: 3, caption: 'Close' };

/*
 * Qualys status -> OCSF status_id, keyed by the lower-cased status:
 * - New -> 1 New: first detection, nobody has looked at it yet; activity Create.
 * - Active -> 99 Other (status "Active"): detected again and still open. OCSF's 2 In Progress means "under
 *   review", which Qualys cannot know, so Other with the source label (as OCSF requires for 99); activity Update.
 * - Re-Opened -> 99 Other (status "Re-Opened"): fixed once, detected again. Not 1 New: the finding is not new,
 *   and the label tells a consumer more than New would; activity Update.
 * - Fixed -> 4 Resolved: Qualys verified the fix by a later scan; activity Close.
 * The status caption follows OCSF (it must equal the caption unless status_id is 99), so "Fixed" reads
 * "Resolved"; the Qualys string is always in `status_detail` and `unmapped.qualys.detection.status`.
 */
const STATES: ReadonlyMap<string, FindingState> = new Map([
    ['new', { status: { id: 1, caption: 'New' }, activity: CREATE }],
    ['active', { status: { id: 99, caption: 'Active' }, activity: UPDATE }],
    ['re-opened', { status: { id: 99, caption: 'Re-Opened' }, activity: UPDATE }],
    ['fixed', { status: { id: 4, caption: 'Resolved' }, activity: CLOSE }]
]);

const SUPPRESSED: OcsfEnumValue = { id: 3, caption: 'Suppressed' };

/**
 * OCSF status and activity of a detection. An open detection that a Qualys user ignored, or whose QID is
 * disabled, is reported 3 Suppressed: someone decided it needs no action, which is exactly OCSF's Suppressed.
 * Fixed wins over ignored/disabled, as the vulnerability is gone either way. A status Qualys does not document
 * is kept as 99 Other with its own label; a missing one is 0 Unknown.
 */
export function findingStateOf(status: string | undefined, ignored: boolean, disabled: boolean): FindingState {
    const known = status === undefined ? undefined : STATES.get(status.toLowerCase());
    const state: FindingState =
        known ??
        (status ? { status: { id: 99, caption: status }, activity: UNKNOWN } : { status: UNKNOWN, activity: UNKNOWN });
    if ((ignored || disabled) && state.status.id !== 4) return { status: SUPPRESSED, activity: state.activity };
    return state;
}

/**
 * Qualys detection TYPE -> OCSF `confidence_id`: Confirmed was verified by Qualys (3 High); Potential could not
 * be verified but is possible (2 Medium). Information-gathered detections are not claims of a weakness: none.
 */
const CONFIDENCES: ReadonlyMap<string, OcsfEnumValue> = new Map([
    ['confirmed', { id: 3, caption: 'High' }],
    ['potential', { id: 2, caption: 'Medium' }]
]);

/** OCSF confidence of a Qualys detection type; undefined when the type makes no claim. */
export function confidenceOf(type: string | undefined): OcsfEnumValue | undefined {
    return type ? CONFIDENCES.get(type.toLowerCase()) : undefined;
}

/** QDS severity -> OCSF `risk_level_id` (0 Info, 1 Low, 2 Medium, 3 High, 4 Critical). */
const RISK_LEVELS: ReadonlyMap<string, OcsfEnumValue> = new Map([
    ['low', { id: 1, caption: 'Low' }],
    ['medium', { id: 2, caption: 'Medium' }],
    ['high', { id: 3, caption: 'High' }],
    ['critical', { id: 4, caption: 'Critical' }]
]);

/** OCSF risk level of a QDS severity; an undocumented label is 99 Other with its own caption. */
export function riskLevelOf(qdsSeverity: string | undefined): OcsfEnumValue | undefined {
    if (!qdsSeverity) return undefined;
    return RISK_LEVELS.get(qdsSeverity.toLowerCase()) ?? { id: 99, caption: qdsSeverity };
}

/** The caption of an OCSF `severity_id` (as `severityOf` gives them); Unknown for any other value. */
export function severityCaption(id: number): string {
    return SEVERITIES.find(value => value.id === id)?.caption ?? UNKNOWN.caption;
}
