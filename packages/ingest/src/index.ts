export * from './schema.js';
export * from './meta-types.js';
export * from './errors.js';
export * from './io/atomic.js';
