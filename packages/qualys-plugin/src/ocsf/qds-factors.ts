import type { OcsfCvss } from './ocsf-vulnerability-finding.js';

/**
 * What the QDS factors of a detection (`show_qds_factors=1`) say about its QID. Qualys computes these per QID
 * (from its CVEs and threat feeds), so every detection of a QID carries the same values.
 */
export interface QdsFacts {
    /** `epss`: the QID's EPSS probability, as sent (OCSF keeps EPSS scores as strings). */
    epss?: string;
    /** `CVSS`, `CVSS_version`, `CVSS_vector`: the score QDS used, when it has a numeric base score. */
    cvss?: OcsfCvss;
    /** `exploit_maturity` as sent, e.g. `Weaponized`, `PoC`, `Unproven`. */
    exploitMaturity?: string;
    /** Whether the maturity says an exploit or a proof of concept exists. */
    exploitAvailable: boolean;
    /** `CISA_vuln`, or the `Cisa_Known_Exploited_Vulns` indicator: on CISA's Known Exploited Vulnerabilities list. */
    knownExploited: boolean;
    /** `RTI`: Qualys real-time threat indicators, e.g. `Exploit_Public`, `Active_Attacks`. */
    threatIndicators: string[];
}

/** Exploit maturities meaning an exploit or proof of concept is available (lower-cased). */
const AVAILABLE_MATURITIES = new Set(['weaponized', 'poc', 'proof of concept', 'functional', 'high', 'active']);

/** Threat indicators (QDS RTI or KnowledgeBase threat intelligence) meaning an exploit exists (lower-cased). */
export const EXPLOIT_INDICATORS: ReadonlySet<string> = new Set([
    'exploit_public',
    'active_attacks',
    'exploit_kit',
    'wormable',
    'malware',
    'ransomware',
    'cisa_known_exploited_vulns'
]);

/** The threat indicator Qualys uses for CISA's Known Exploited Vulnerabilities catalogue (lower-cased). */
export const KEV_INDICATOR = 'cisa_known_exploited_vulns';

const NO_VALUES = new Set(['', '0', 'false', 'no', 'n', 'none']);

/** Reads the QDS factors Qualys sent with a detection. */
export function readQdsFactors(factors: Readonly<Record<string, string>>): QdsFacts {
    const threatIndicators = listOf(factors.RTI);
    const maturity = factors.exploit_maturity?.trim() || undefined;
    const lowered = new Set(threatIndicators.map(label => label.toLowerCase()));
    const kevFactor = factors.CISA_vuln;
    const facts: QdsFacts = {
        exploitAvailable:
            (maturity !== undefined && AVAILABLE_MATURITIES.has(maturity.toLowerCase())) ||
            [...lowered].some(label => EXPLOIT_INDICATORS.has(label)),
        knownExploited:
            (kevFactor !== undefined && !NO_VALUES.has(kevFactor.trim().toLowerCase())) || lowered.has(KEV_INDICATOR),
        threatIndicators
    };
    if (maturity !== undefined) facts.exploitMaturity = maturity;
    const epss = factors.epss?.trim();
    if (epss && Number.isFinite(Number(epss))) facts.epss = epss;
    const cvss = qdsCvss(factors);
    if (cvss) facts.cvss = cvss;
    return facts;
}

/** A CVSS from the QDS factors; undefined without a numeric base score. */
function qdsCvss(factors: Readonly<Record<string, string>>): OcsfCvss | undefined {
    const base = Number(factors.CVSS?.trim() || NaN);
    if (!Number.isFinite(base)) return undefined;
    const vector = factors.CVSS_vector?.trim() || undefined;
    const cvss: OcsfCvss = {
        version: versionOf(vector, factors.CVSS_version),
        base_score: base,
        vendor_name: 'Qualys'
    };
    if (vector) cvss.vector_string = vector;
    return cvss;
}

/** `3.1` from a `CVSS:3.1/…` vector, else from `CVSS_version` (`v3.x` -> `3.x`, `v2` -> `2.0`). */
function versionOf(vector: string | undefined, version: string | undefined): string {
    const prefixed = vector?.startsWith('CVSS:') ? vector.slice(5, vector.indexOf('/')) : undefined;
    if (prefixed) return prefixed;
    const stated = version?.trim().replace(/^v/i, '');
    if (!stated) return vector?.includes('AV:') && !vector.includes('/S:') ? '2.0' : '3.x';
    return /^\d+$/.test(stated) ? `${stated}.0` : stated;
}

function listOf(text: string | undefined): string[] {
    if (!text) return [];
    return text
        .split(',')
        .map(item => item.trim())
        .filter(item => item !== '');
}
