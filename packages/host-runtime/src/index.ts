/**
 * `@signal-connectors/host-runtime`: the signal-client service. Its building blocks, for hosts that embed the
 * runtime or tests that drive it: configuration, state, sinks, plugin discovery and catalog, composition,
 * scheduling, metrics, the admin API, and the command line.
 */
export * from './admin/index.js';
export * from './cli/index.js';
export * from './composition/index.js';
export * from './config/index.js';
export * from './discovery/index.js';
export * from './metrics/index.js';
export * from './scaffold/index.js';
export * from './scheduler/index.js';
export * from './service/index.js';
export * from './sink/index.js';
export * from './state/index.js';
