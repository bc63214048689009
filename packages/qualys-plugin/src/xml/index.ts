/** Parsers of Qualys VM API responses: streaming host detections, KnowledgeBase, scan list and error envelopes. */
export { HostDetectionParser } from './host-detection-parser.js';
export { type KnowledgeBaseResponse, parseKnowledgeBase } from './knowledge-base-parser.js';
export { parseScanList, type ScanListResponse } from './scan-list-parser.js';
export { type HostIdPage, type HostIdRange, parseHostIdList } from './host-list-parser.js';
export {
    parseSimpleReturn,
    SIMPLE_RETURN_ROOTS,
    type SimpleReturn,
    simpleReturnFromElement,
    simpleReturnToError
} from './simple-return.js';
