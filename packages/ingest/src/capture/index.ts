// @pagetrace/ingest/capture: tracefs capture (`pagetrace record`, the live side of `watch`).
export * from './tracefs.js';
export * from './events.js';
export * from './instance.js';
export * from './drain.js';
export * from './follow.js';
export * from './interruption.js';
export * from './system-info.js';
export * from './sidecar.js';
export * from './record.js';
export * from './fifo.js';
export * from './watch.js';
// For tests of capture here and in the CLI: can this machine record, and small real workloads.
export * from './test-support.js';
