/**
 * Table contracts of the replay stage (anomalies.arrow, pages.arrow), in the same style as
 * @pagetrace/ingest's schema.ts: every reader (report, check, watch) uses these names.
 */
import { Bool, Int32, Int64, Uint32, Uint64, Utf8, type ColumnSpec, dictUtf8, schemaOf } from '@pagetrace/ingest';
import type { Schema } from 'apache-arrow';

/** Dictionary ids of the replay tables (independent files, so they may reuse small ids). */
export const REPLAY_DICT_IDS = { kind: 0, severity: 1, comm: 2, final_state: 3, device_kind: 4 } as const;

/** anomalies.arrow: one row per anomaly, in the order they became certain. */
export const ANOMALY_COLUMNS: readonly ColumnSpec[] = [
  { name: 'id', type: new Uint32(), nullable: false, doc: 'anomaly id, 0-based, in order of detection' },
  { name: 'kind', type: dictUtf8(REPLAY_DICT_IDS.kind), nullable: false, doc: 'anomaly kind (ANOMALY_KINDS)' },
  { name: 'severity', type: dictUtf8(REPLAY_DICT_IDS.severity), nullable: false, doc: 'error | warning | info' },
  { name: 'pfn', type: new Uint64(), nullable: true, doc: 'page frame number (head pfn as traced); null for trace-wide findings' },
  { name: 'ts_ns', type: new Int64(), nullable: false, doc: 'timestamp of the triggering event' },
  { name: 'line', type: new Uint64(), nullable: false, doc: 'source line of the triggering event' },
  { name: 'event_row', type: new Uint64(), nullable: false, doc: 'row of the triggering event in events.arrow' },
  { name: 'expected', type: new Utf8(), nullable: true, doc: 'what the kernel rules expected' },
  { name: 'observed', type: new Utf8(), nullable: true, doc: 'what the trace shows' },
  { name: 'pid', type: new Int32(), nullable: false, doc: 'task of the triggering event' },
  { name: 'comm', type: dictUtf8(REPLAY_DICT_IDS.comm), nullable: false, doc: 'task name of the triggering event' },
  { name: 'stack_id', type: new Int32(), nullable: true, doc: 'stacks.arrow row of the triggering event' },
  { name: 'message', type: new Utf8(), nullable: false, doc: 'one plain sentence' },
];

/** pages.arrow: one row per pfn touched, sorted by pfn. */
export const PAGE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'pfn', type: new Uint64(), nullable: false, doc: 'page frame number' },
  { name: 'device', type: new Bool(), nullable: false, doc: 'pfn lies in a ZONE_DEVICE range' },
  { name: 'device_kind', type: dictUtf8(REPLAY_DICT_IDS.device_kind), nullable: true, doc: 'fsdax | device_private | ... when device' },
  { name: 'events', type: new Uint32(), nullable: false, doc: 'events naming this pfn' },
  { name: 'gets', type: new Uint32(), nullable: false, doc: 'successful reference increments (not pins)' },
  { name: 'puts', type: new Uint32(), nullable: false, doc: 'reference decrements (not unpins)' },
  { name: 'pins', type: new Uint32(), nullable: false, doc: 'FOLL_PIN pins (GUP_PIN_COUNTING_BIAS units)' },
  { name: 'unpins', type: new Uint32(), nullable: false, doc: 'unpins (-1024)' },
  { name: 'allocs', type: new Uint32(), nullable: false, doc: 'allocations (mm_page_alloc, or page_ref_set to 1 of a free page)' },
  { name: 'frees', type: new Uint32(), nullable: false, doc: 'frees (mm_page_free; a batched duplicate counts once)' },
  { name: 'max_refcount', type: new Int32(), nullable: true, doc: 'largest refcount seen' },
  { name: 'final_refcount', type: new Int32(), nullable: true, doc: 'refcount at the end (null when never known)' },
  { name: 'final_mapcount', type: new Int32(), nullable: true, doc: 'mappings at the end (as the page_ref events report them)' },
  { name: 'final_state', type: dictUtf8(REPLAY_DICT_IDS.final_state), nullable: false, doc: 'allocated | free | unknown | frozen' },
  { name: 'pins_outstanding', type: new Int32(), nullable: false, doc: 'pins not released at the end' },
  { name: 'pin_since_ts_ns', type: new Int64(), nullable: true, doc: 'start of the oldest outstanding pin' },
  { name: 'pin_max_ns', type: new Int64(), nullable: true, doc: 'longest pin duration (outstanding pins count to the end of the trace)' },
  { name: 'anomalies', type: new Uint32(), nullable: false, doc: 'anomalies on this pfn' },
  { name: 'first_ts_ns', type: new Int64(), nullable: false, doc: 'first event on this pfn' },
  { name: 'last_ts_ns', type: new Int64(), nullable: false, doc: 'last event on this pfn' },
  { name: 'first_line', type: new Uint64(), nullable: false, doc: 'line of the first event' },
  { name: 'last_line', type: new Uint64(), nullable: false, doc: 'line of the last event' },
];

export const anomaliesSchema = (): Schema => schemaOf(ANOMALY_COLUMNS);
export const pagesSchema = (): Schema => schemaOf(PAGE_COLUMNS);
