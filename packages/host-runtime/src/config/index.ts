export * from './config-loader.js';
export * from './runtime-config.js';
export * from './runtime-config-checks.js';
export * from './runtime-config-schema.js';
export * from './secret-references.js';
