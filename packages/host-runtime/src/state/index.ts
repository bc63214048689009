export * from './sqlite-state-store.js';
export * from './state-store.js';
export * from './state-store-error.js';
export * from './instance-store.js';
