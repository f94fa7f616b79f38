export * from './schema.js';
export * from './meta-types.js';
export * from './errors.js';
export * from './io/atomic.js';
export { ingestTrace, type IngestOptions, type IngestResult, type IngestProgress } from './ingest.js';
export { readMeta } from './meta.js';
export { writeIpcFile } from './arrow/writer.js';
export { typedColumnsOf } from './events/fields.js';
export { ingestSummary, formatIngestSummary, type IngestSummary } from './summary.js';
