/** Test utilities of @pagetrace/replay (exported as @pagetrace/replay/testing). */
export { Mutator, type Mutation, type Life } from './mutate.js';
export { TraceText, parseEventLine, field, withField, type TraceRecord, type ParsedEvent } from './trace-text.js';
export { guestTrace, hostTrace, haveTraces, mutatedRun, findingsOf, findingAt, onPfn, type MutatedRun } from './detector-cases.js';
export { replayFile, replayText, writeTraceText, readAnomalies, readRows, errorsOf, type ReplayedRun } from './run.js';
