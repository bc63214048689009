export * from './connector-host.js';
export * from './instance-composer.js';
export * from './plugin-loader.js';
