/**
 * Qualys data -> artifacts: host detections as OCSF 1.5.0 Vulnerability Findings, KnowledgeBase entries, scans
 * and run summaries, each with a stable id so at-least-once delivery can be de-duplicated.
 */
export * from './detection-identity.js';
export * from './host-artifact.js';
export * from './host-removal-artifacts.js';
export * from './knowledge-base-artifact.js';
export * from './ocsf-vulnerability-finding.js';
export * from './run-summary-artifact.js';
export * from './scan-artifact.js';
export * from './vulnerability-finding-mapper.js';
