import { hash, Rng } from './hash.js';
import { cvssVectors, QID_FAMILIES, THREAT_INTEL, VulnType, vulnTexts, vulnTitle } from './vuln-content.js';

/** One KnowledgeBase entry, derived on demand (nothing but a few numbers per QID is stored). */
export interface KnowledgeBaseVuln {
    qid: number;
    vulnType: VulnType;
    severity: number;
    title: string;
    category: string;
    /** Epoch seconds of LAST_SERVICE_MODIFICATION_DATETIME. */
    lastModified: number;
    /** Epoch seconds of PUBLISHED_DATETIME. */
    published: number;
    patchable: boolean;
    software: { product: string; vendor: string }[];
    vendorReferences: { id: string; url: string }[];
    cves: { id: string; url: string }[];
    diagnosis: string;
    consequence: string;
    solution: string;
    cvss?: { base: string; temporal: string; vector: string };
    cvss3?: { base: string; temporal: string; vector: string };
    pciFlag: boolean;
    threatIntel: { id: number; label: string }[];
    discovery: { remote: boolean; authTypes: string[] };
    isDisabled: boolean;
}

const VULN_TYPES: readonly VulnType[] = [
    'Vulnerability',
    'Potential Vulnerability',
    'Vulnerability or Potential Vulnerability',
    'Information Gathered'
];
const DAY = 86_400;

/**
 * The synthetic KnowledgeBase: a seeded pool of QIDs (vulnerabilities plus information-gathered checks) that
 * detections draw from. Per QID it keeps only typed-array scalars; the full entry is rebuilt on request.
 */
export class SyntheticKnowledgeBase {
    /** All QIDs, ascending. */
    readonly qids: Uint32Array;
    /** Indexes (into `qids`) of the non-IG QIDs that host vulnerabilities are drawn from. */
    readonly vulnPool: Uint32Array;
    /** Indexes (into `qids`) of the information-gathered QIDs. */
    readonly igPool: Uint32Array;
    /** SEVERITY_LEVEL per index. */
    readonly severity: Uint8Array;
    /** Index into the VulnType list per index. */
    readonly vulnTypeCode: Uint8Array;
    /** 1 when the QID is disabled (its detections then need include_disabled=1). */
    readonly disabled: Uint8Array;
    /** CVSS v3 base score x10 per index (0 for IGs); feeds QDS and QDS_FACTORS. */
    readonly cvss3x10: Uint8Array;
    /** Epoch seconds of the last service modification per index; advanced by `modify`. */
    readonly lastModified: Uint32Array;
    /** Epoch seconds of PUBLISHED_DATETIME per index (never changes). */
    readonly published: Uint32Array;
    private readonly revision: Uint16Array;
    private readonly family: Uint8Array;
    private readonly indexByQid = new Map<number, number>();
    private readonly cveCache = new Map<number, readonly string[]>();

    /** Builds `size` QIDs (about a tenth of them information-gathered) last modified before `startSec`. */
    constructor(
        private readonly seed: number,
        startSec: number,
        size = 400
    ) {
        // Keep enough vulnerability QIDs for detections to draw from even when a tiny KB is requested.
        size = Math.max(24, Math.floor(size));
        const rng = new Rng(hash(seed, 0xb0b));
        const igCount = Math.max(8, Math.round(size / 10));
        const chosen = new Map<number, number>();
        const families = QID_FAMILIES.map((family, index) => ({ family, index }));
        const vulnFamilies = families.filter(f => !f.family.ig);
        const igFamilies = families.filter(f => f.family.ig);
        while (chosen.size < size) {
            const { family, index } = rng.pick(chosen.size < size - igCount ? vulnFamilies : igFamilies);
            const qid = rng.range(family.min, family.max);
            if (!chosen.has(qid)) chosen.set(qid, index);
        }
        this.qids = Uint32Array.from([...chosen.keys()].sort((a, b) => a - b));
        const n = this.qids.length;
        this.family = new Uint8Array(n);
        this.severity = new Uint8Array(n);
        this.vulnTypeCode = new Uint8Array(n);
        this.disabled = new Uint8Array(n);
        this.cvss3x10 = new Uint8Array(n);
        this.lastModified = new Uint32Array(n);
        this.published = new Uint32Array(n);
        this.revision = new Uint16Array(n);
        const vulns: number[] = [];
        const igs: number[] = [];
        this.qids.forEach((qid, i) => {
            this.indexByQid.set(qid, i);
            const familyIndex = chosen.get(qid) ?? 0;
            const ig = QID_FAMILIES[familyIndex].ig;
            const r = new Rng(hash(seed, qid, 0x5e7));
            this.family[i] = familyIndex;
            this.severity[i] = ig ? r.range(1, 3) : [1, 2, 2, 3, 3, 3, 4, 4, 5, 5][r.int(10)];
            this.vulnTypeCode[i] = ig ? 3 : [0, 0, 0, 0, 0, 0, 1, 2, 2, 2][r.int(10)];
            this.disabled[i] = !ig && r.chance(0.015) ? 1 : 0;
            this.cvss3x10[i] = ig ? 0 : Math.min(100, this.severity[i] * 18 + r.range(0, 12));
            this.lastModified[i] = startSec - r.range(DAY, 700 * DAY);
            this.published[i] = this.lastModified[i] - r.range(0, 1500) * DAY - r.int(DAY);
            (ig ? igs : vulns).push(i);
        });
        this.vulnPool = Uint32Array.from(vulns);
        this.igPool = Uint32Array.from(igs);
    }

    /** Index of a QID in `qids`, or undefined when the KB does not know it. */
    indexOf(qid: number): number | undefined {
        return this.indexByQid.get(qid);
    }

    /** VULN_TYPE of the QID at `index`. */
    vulnType(index: number): VulnType {
        return VULN_TYPES[this.vulnTypeCode[index]];
    }

    /**
     * Marks `count` deterministic QIDs as modified by the service within (fromSec, toSec]; returns their QIDs.
     * `advance` (the advance number) selects which QIDs, so replaying the same advances replays the same KB.
     */
    modify(count: number, fromSec: number, toSec: number, advance: number): number[] {
        const modified = new Set<number>();
        const span = Math.max(1, toSec - fromSec);
        for (let k = 0; modified.size < Math.min(count, this.qids.length); k++) {
            const index = hash(this.seed, advance, k, 0x30d) % this.qids.length;
            if (modified.has(index)) continue;
            modified.add(index);
            this.lastModified[index] = toSec - (hash(this.seed, advance, index, 0x30e) % Math.min(600, span));
            this.revision[index]++;
        }
        return [...modified].map(index => this.qids[index]).sort((a, b) => a - b);
    }

    /**
     * Whether the QID's KnowledgeBase entry has no CVSS block (as entries read without `details=All` may lack
     * it): its detections' QDS factors are then the only CVSS source.
     */
    lacksCvss(index: number): boolean {
        return hash(this.seed, this.qids[index], 0xc2) % 6 === 0;
    }

    /** The CVE ids of the QID at `index`, in KnowledgeBase order (cached: detections of API 5.0 list them). */
    cveIds(index: number): readonly string[] {
        let ids = this.cveCache.get(index);
        if (ids === undefined) {
            ids = this.vuln(index).cves.map(cve => cve.id);
            this.cveCache.set(index, ids);
        }
        return ids;
    }

    /** Rebuilds the full entry for the QID at `index`. */
    vuln(index: number): KnowledgeBaseVuln {
        const qid = this.qids[index];
        const family = QID_FAMILIES[this.family[index]];
        const rng = new Rng(hash(this.seed, qid, 0xc0));
        const severity = this.severity[index];
        const title = vulnTitle(family, qid, rng);
        const cveCount = family.ig ? 0 : [0, 1, 1, 1, 2, 3, 5][rng.int(7)];
        const cves = Array.from({ length: cveCount }, () => {
            const id = `CVE-${rng.range(2014, 2024)}-${rng.range(1000, 49999)}`;
            return { id, url: `http://cve.mitre.org/cgi-bin/cvename.cgi?name=${id}` };
        });
        const vectors = cvssVectors(severity, rng);
        const live = new Rng(hash(this.seed, qid, this.revision[index], 0xc1));
        const base3 = this.cvss3x10[index] / 10;
        const base2 = Math.min(10, Math.max(1, base3 - 0.5 - rng.float()));
        const threatIntel = family.ig ? [] : THREAT_INTEL.filter(() => live.chance(0.25));
        return {
            qid,
            vulnType: this.vulnType(index),
            severity,
            title,
            category: family.category,
            lastModified: this.lastModified[index],
            published: this.published[index],
            patchable: !family.ig && rng.chance(0.7),
            software: family.ig ? [] : [{ product: rng.pick(family.products), vendor: family.vendor }],
            vendorReferences:
                family.vendor === 'microsoft' || family.vendor === 'canonical'
                    ? [{ id: `KB${rng.range(4000000, 5039999)}`, url: `https://support.example.com/kb/${qid}` }]
                    : [],
            cves,
            ...vulnTexts(family, title, rng, this.revision[index]),
            cvss:
                family.ig || this.lacksCvss(index)
                    ? undefined
                    : { base: base2.toFixed(1), temporal: (base2 * 0.86).toFixed(1), vector: vectors.v2 },
            cvss3:
                family.ig || this.lacksCvss(index)
                    ? undefined
                    : {
                          base: base3.toFixed(1),
                          temporal: (base3 * (0.85 + live.float() / 10)).toFixed(1),
                          vector: vectors.v3
                      },
            pciFlag: !family.ig && severity >= 3,
            threatIntel: threatIntel.map(([id, label]) => ({ id, label })),
            discovery: { remote: family.remote, authTypes: family.auth ? [family.auth] : [] },
            isDisabled: this.disabled[index] === 1
        };
    }
}
