export * from './artifact-sink.js';
export * from './create-sink.js';
export * from './http-sink.js';
export * from './jsonl-sink.js';
export * from './sink-error.js';
export * from './stdout-sink.js';
