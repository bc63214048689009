import 'reflect-metadata';

export * from './artifact.js';
export * from './clock.js';
export * from './connector.js';
export * from './connector-context.js';
export * from './connector-error.js';
export * from './connector-metrics.js';
export * from './duration.js';
export * from './http/http-client.js';
export * from './key-value-store.js';
export * from './logging/logger.js';
export * from './manifest/connector-manifest.js';
export * from './sdk-version.js';
export * from './tokens.js';
