/**
 * Bounds on what a Qualys response may hold before it is refused (or, for scanner output, cut). Qualys documents
 * are flat records a few levels deep; anything far past these bounds is a broken or hostile response, and reading
 * it whole would cost the process its memory (a 512 MB container dies on one text node of a few hundred MB).
 */
export interface XmlLimits {
    /** Open elements at once, the root included (Qualys nests about 8 levels). */
    maxDepth: number;
    /** Characters of one element's value. */
    maxValueChars: number;
    /** Elements whose value is cut at {@link maxCutValueChars} instead of failing the document (scanner output). */
    cutValues: ReadonlySet<string>;
    /** Characters kept of a value in {@link cutValues}; the rest is dropped and its length reported. */
    maxCutValueChars: number;
    /** Characters of one record (a HOST, a VULN, a SCAN): values, names and attributes together. */
    maxRecordChars: number;
    /** Elements in one record. */
    maxRecordElements: number;
    /** Characters of one tag, comment body, processing instruction or declaration. */
    maxMarkupChars: number;
}

/** Host detection pages: RESULTS (scanner output, sometimes a whole package list) is cut, anything else fails. */
export const HOST_DETECTION_LIMITS: XmlLimits = {
    maxDepth: 64,
    maxValueChars: 64 * 1024,
    cutValues: new Set(['RESULTS']),
    maxCutValueChars: 256 * 1024,
    maxRecordChars: 32 * 1024 * 1024,
    maxRecordElements: 250_000,
    maxMarkupChars: 64 * 1024
};

/** KnowledgeBase and scan list responses: long HTML texts (DIAGNOSIS, SOLUTION) are allowed, nothing is cut. */
export const RECORD_LIST_LIMITS: XmlLimits = {
    maxDepth: 64,
    maxValueChars: 256 * 1024,
    cutValues: new Set(),
    maxCutValueChars: 256 * 1024,
    maxRecordChars: 8 * 1024 * 1024,
    maxRecordElements: 100_000,
    maxMarkupChars: 64 * 1024
};

/** Characters one text or CDATA run may hold when it reaches the parser: one more than any value may keep. */
export function maxRunChars(limits: XmlLimits): number {
    return Math.max(limits.maxValueChars, limits.maxCutValueChars) + 1;
}

/** Why a document broke one of the {@link XmlLimits}, or carried a DTD of its own. */
export type XmlLimitReason = 'depth' | 'value' | 'record' | 'elements' | 'markup' | 'dtd';

/**
 * A response outside the {@link XmlLimits}, or one that declares entities. Thrown by the guard and the tree builder;
 * the parsers turn it into a `protocol` ConnectorError that says where it happened.
 */
export class XmlLimitError extends Error {
    constructor(
        readonly reason: XmlLimitReason,
        message: string
    ) {
        super(message);
        this.name = 'XmlLimitError';
    }
}
