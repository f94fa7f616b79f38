/**
 * @pagetrace/replay: the kernel's page refcount rules as a model, detectors over it, and the
 * anomalies.arrow / pages.arrow / replay.json outputs of a run directory.
 */
export type { Anomaly, ReplayOptions, ReplaySummary, ReplayHooks, Severity, PfnRange, ProfileChoice, DeviceRangeReport } from './types.js';
export { createReplayer, DEFAULT_REORDER_WINDOW_EVENTS, DEFAULT_REORDER_WINDOW_NS, type Replayer, type ReplayResult, type ReplayerHooks } from './processor.js';
export { replayRun, readRunMeta, readBatches, forEachBatch, forEachBatchPrefetched } from './replay-run.js';
export { ANOMALY_KINDS, type AnomalyKindDoc } from './kinds.js';
export { ANOMALY_COLUMNS, PAGE_COLUMNS, anomaliesSchema, pagesSchema } from './schema.js';
export { PROFILES, profileByName, parseKernelVersion } from './model/profiles.js';
export { parsePfnRange } from './model/device-ranges.js';
export { formatReplaySummary, parseDevicePfns, parseWindowNs } from './format.js';
