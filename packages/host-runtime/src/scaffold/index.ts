export * from './plugin-names.js';
export * from './plugin-scaffold.js';
