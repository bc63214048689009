export * from './connector-metrics-adapter.js';
export * from './runtime-metrics.js';
