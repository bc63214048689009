export * from './admin-server.js';
export * from './instance-view.js';
export * from './listen-address.js';
