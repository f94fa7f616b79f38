export * from './paths.js';
export * from './manifest.js';
export * from './run.js';
