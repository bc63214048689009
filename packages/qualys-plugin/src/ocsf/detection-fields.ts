import type { QualysAttackId, QualysDetection } from '../model/index.js';
import type { OcsfAttack, OcsfAttackEntity } from './ocsf-vulnerability-finding.js';

/** Whether `record` has an own property, without building a key array (this runs once per detection). */
function hasKeys(record: Record<string, unknown>): boolean {
    for (const key in record) if (Object.hasOwn(record, key)) return true;
    return false;
}

/**
 * The detection fields OCSF has no attribute for, under `unmapped.qualys.detection` with the model's property
 * names; elements the parser did not model keep their Qualys names. The Qualys status string is kept here too
 * (it is also `status_detail`), and the QDS with its factors, although QDS is also `risk_score` and some factors
 * are mapped to the vulnerability. API 5.0 fields without an OCSF home keep their names: the latest detection
 * source and the TruRisk Elimination status.
 */
export function detectionUnmapped(detection: QualysDetection): Record<string, unknown> {
    // Object.assign, not spread: V8 keeps a spread copy off the fast path once properties are added to it.
    const out: Record<string, unknown> = Object.assign({}, detection.unmapped);
    if (detection.status !== undefined) out.status = detection.status;
    if (detection.port !== undefined) out.port = detection.port;
    if (detection.protocol !== undefined) out.protocol = detection.protocol;
    out.ssl = detection.ssl;
    if (detection.fqdn !== undefined) out.fqdn = detection.fqdn;
    if (detection.resultsCut !== undefined) {
        // finding_info.desc holds only the start of RESULTS: say so, and how long the scanner output was.
        out.resultsCut = { keptLength: detection.results?.length ?? 0, ...detection.resultsCut };
    }
    if (detection.instance !== undefined) out.instance = detection.instance;
    if (detection.service !== undefined) out.service = detection.service;
    if (detection.isIgnored !== undefined) out.isIgnored = detection.isIgnored;
    if (detection.isDisabled !== undefined) out.isDisabled = detection.isDisabled;
    if (detection.timesFound !== undefined) out.timesFound = detection.timesFound;
    if (detection.lastTest !== undefined) out.lastTest = detection.lastTest;
    if (detection.lastFixed !== undefined) out.lastFixed = detection.lastFixed;
    if (detection.firstReopened !== undefined) out.firstReopened = detection.firstReopened;
    if (detection.lastReopened !== undefined) out.lastReopened = detection.lastReopened;
    if (detection.timesReopened !== undefined) out.timesReopened = detection.timesReopened;
    if (detection.lastProcessed !== undefined) out.lastProcessed = detection.lastProcessed;
    if (detection.affectRunningKernel !== undefined) out.affectRunningKernel = detection.affectRunningKernel;
    if (detection.affectRunningService !== undefined) out.affectRunningService = detection.affectRunningService;
    if (detection.affectExploitableConfig !== undefined) {
        out.affectExploitableConfig = detection.affectExploitableConfig;
    }
    if (detection.assetCve !== undefined) out.assetCve = detection.assetCve;
    if (detection.latestDetectionSource !== undefined) out.latestDetectionSource = detection.latestDetectionSource;
    if (detection.truriskEliminationStatus !== undefined) {
        out.truriskEliminationStatus = detection.truriskEliminationStatus;
    }
    if (detection.qds !== undefined) out.qds = detection.qds;
    if (hasKeys(detection.qdsFactors)) out.qdsFactors = detection.qdsFactors;
    return out;
}

/**
 * The detection's MITRE ATT&CK tactics and techniques as OCSF `attack` objects. Qualys sends two lists; when they
 * are equally long they pair up by position (one attack per tactic and technique), otherwise each entry becomes
 * an attack of its own. Undefined when the detection has none.
 */
export function findingAttacks(detection: QualysDetection): OcsfAttack[] | undefined {
    const tactics = (detection.mitreTactics ?? []).map(entity).filter(present);
    const techniques = (detection.mitreTechniques ?? []).map(entity).filter(present);
    if (tactics.length === 0 && techniques.length === 0) return undefined;
    if (tactics.length === techniques.length) {
        return tactics.map((tactic, index) => ({ tactic, technique: techniques[index] }));
    }
    return [...tactics.map(tactic => ({ tactic })), ...techniques.map(technique => ({ technique }))];
}

function entity(id: QualysAttackId | undefined): OcsfAttackEntity | undefined {
    if (id === undefined || (!id.id && !id.name)) return undefined;
    const out: OcsfAttackEntity = {};
    if (id.id) out.uid = id.id;
    if (id.name) out.name = id.name;
    return out;
}

function present<T>(value: T | undefined): value is T {
    return value !== undefined;
}
