/**
 * Qualys-compatible sandbox: a loopback HTTP server speaking the Qualys VM API v2 XML dialect over a
 * deterministic synthetic tenant, for end-to-end tests, demos and benchmarks.
 */
export { QualysSandbox, type SandboxOptions } from './qualys-sandbox.js';
export {
    SyntheticTenant,
    type AdvanceOptions,
    type AdvanceResult,
    type ExpectedDetection,
    type TenantOptions,
    type TenantState
} from './synthetic-tenant.js';
export type { DetectionFilter, IdRange } from './detection-filter.js';
export type { DetectionStatus, DetectionType, SyntheticDetection } from './detection-model.js';
export type { HostScanEvent, SyntheticHost, SyntheticTag, TrackingMethod } from './host-profile.js';
export {
    METADATA_BLOCKS,
    type MetadataSelector,
    type SyntheticCloud,
    type SyntheticMetadataAttribute
} from './cloud-profile.js';
export { SyntheticKnowledgeBase, type KnowledgeBaseVuln } from './knowledge-base.js';
export type { VulnType } from './vuln-content.js';
export { ScanCatalog, SCAN_STATES, type ScanState, type SyntheticScan } from './scan-catalog.js';
export {
    FaultInjector,
    FAULT_TYPES,
    type FaultTargeting,
    type FiredFault,
    type PendingFault,
    type SandboxFault
} from './fault-injector.js';
export { ENTITY_PAYLOAD, HOSTILE_FAULT_TYPES, type HostileFault } from './hostile-content.js';
export { SandboxRequestLog, type SandboxRequestRecord } from './request-log.js';
export {
    DEFAULT_RATE_LIMIT,
    RateLimiter,
    SANDBOX_ENDPOINTS,
    type LimitDecision,
    type LimitUsage,
    type RateLimitOptions,
    type SandboxEndpoint
} from './rate-limiter.js';
export { ADMIN_PREFIX, adminState } from './admin-routes.js';
export { formatQualysDate, parseQualysDate } from './qualys-date.js';
