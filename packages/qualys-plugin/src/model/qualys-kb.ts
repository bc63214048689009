import type { UnmappedFields } from './qualys-host.js';

/** CVSS scores of a KnowledgeBase entry. */
export interface QualysCvss {
    base?: number;
    temporal?: number;
    vector?: string;
    /** e.g. `3.1` (CVSS v3 only). */
    version?: string;
}

/**
 * The compact part of a KnowledgeBase `VULN` used to enrich every finding; cached per QID in the plugin's
 * key-value store.
 */
export interface KbSummary {
    qid: number;
    vulnType?: string;
    severityLevel?: number;
    title?: string;
    category?: string;
    /** `LAST_SERVICE_MODIFICATION_DATETIME`: identifies the version of this entry. */
    lastServiceModified?: string;
    published?: string;
    patchable?: boolean;
    cves: string[];
    cvss?: QualysCvss;
    cvssV3?: QualysCvss;
    pciFlag?: boolean;
    /** Threat-intel labels, e.g. `Exploit_Public`. */
    threatIntel: string[];
    vendorReferences: string[];
    software: { product?: string; vendor?: string }[];
}

/** A full KnowledgeBase `VULN`: the summary plus the long texts (HTML inside CDATA, kept as sent). */
export interface KbVuln extends KbSummary {
    diagnosis?: string;
    consequence?: string;
    solution?: string;
    unmapped: UnmappedFields;
}
