/**
 * The SDK's testing kit, `@signal-connectors/connector-sdk/testing`: test doubles for everything a context
 * holds, a context factory, the contract suite every plugin runs, and a small example connector.
 */
import 'reflect-metadata';

export * from './captured-logger.js';
export * from './connector-contract-options.js';
export * from './contract-checks.js';
export * from './describe-connector-contract.js';
export * from './example-connector.js';
export * from './example-manifest.js';
export * from './example-paged-api-server.js';
export * from './fake-clock.js';
// Part of the SDK proper (the host's transient state uses the store too), and offered here as before.
export * from '../in-memory-key-value-store.js';
export * from '../json-value.js';
export * from './recording-metrics.js';
export * from './test-context.js';
