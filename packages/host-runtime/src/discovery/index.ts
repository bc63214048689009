export * from './catalog.js';
export * from './plugin-discovery.js';
