export * from './concurrency-limiter.js';
export * from './poll-events.js';
export * from './poll-runner.js';
export * from './retry-policy.js';
export * from './schedule-entry.js';
export * from './scheduler.js';
