export * from './qualys-config.js';
export * from './qualys-host.js';
export * from './qualys-kb.js';
export * from './qualys-scan.js';
