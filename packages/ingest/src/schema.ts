/**
 * The table contracts of a run directory (shared/DESIGN.md "events.arrow").
 *
 * Every stage reads and writes these names; nothing else in the project spells a
 * column name by hand. Bump SCHEMA_VERSION on any incompatible change.
 */
import {
  Bool, Dictionary, Field, Int8, Int16, Int32, Int64, List, Schema, Uint16, Uint32, Uint64, Utf8,
  type DataType,
} from 'apache-arrow';

export const SCHEMA_VERSION = 1;

/** Files of a run directory. */
export const RUN_FILES = {
  events: 'events.arrow',
  stacks: 'stacks.arrow',
  meta: 'meta.json',
  anomalies: 'anomalies.arrow',
  pages: 'pages.arrow',
  replay: 'replay.json',
} as const;

/** Dictionary-encoded utf8 with int32 indices (ids are stable across batches: deltas only). */
export function dictUtf8(id: number): Dictionary<Utf8, Int32> {
  return new Dictionary(new Utf8(), new Int32(), id, false);
}

/** Dictionary ids used in events.arrow (one per dictionary column). */
export const DICT_IDS = { comm: 0, event: 1, flags: 2, gfp: 3 } as const;

export interface ColumnSpec {
  name: string;
  type: DataType;
  nullable: boolean;
  doc: string;
}

/** events.arrow: one row per event, in trace order. Order of this list = column order. */
export const EVENT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'line', type: new Uint64(), nullable: false, doc: '1-based line number in the source' },
  { name: 'ts_ns', type: new Int64(), nullable: false, doc: 'timestamp in ns, exact from the decimal text; raw counter for counter clocks' },
  { name: 'cpu', type: new Uint16(), nullable: false, doc: 'CPU that recorded the event' },
  { name: 'pid', type: new Int32(), nullable: false, doc: 'task pid (tid)' },
  { name: 'tgid', type: new Int32(), nullable: true, doc: 'thread group id, when the trace has the record-tgid column (null for "-----")' },
  { name: 'comm', type: dictUtf8(DICT_IDS.comm), nullable: false, doc: 'task name, verbatim' },
  { name: 'event', type: dictUtf8(DICT_IDS.event), nullable: false, doc: 'tracepoint name without system, e.g. page_ref_mod' },
  { name: 'pfn', type: new Uint64(), nullable: true, doc: 'page frame number (hex or decimal in the source); null for failed allocations' },
  { name: 'order', type: new Int8(), nullable: true, doc: 'allocation/free/folio order' },
  { name: 'count', type: new Int32(), nullable: true, doc: 'page_ref: refcount after the operation' },
  { name: 'mapcount', type: new Int32(), nullable: true, doc: 'page_ref: mapcount as printed' },
  { name: 'val', type: new Int32(), nullable: true, doc: 'page_ref: delta (mod*), value set (set/unfreeze) or expected count (freeze)' },
  { name: 'ret', type: new Int32(), nullable: true, doc: 'page_ref *_and_test, *_and_return, *_unless, freeze' },
  { name: 'mt', type: new Int8(), nullable: true, doc: 'migratetype (page_ref mt=, kmem migratetype=)' },
  { name: 'flags', type: dictUtf8(DICT_IDS.flags), nullable: true, doc: 'page flags text (page_ref flags=)' },
  { name: 'gfp', type: dictUtf8(DICT_IDS.gfp), nullable: true, doc: 'gfp flags text (mm_page_alloc gfp_flags=)' },
  { name: 'mapping', type: new Uint64(), nullable: true, doc: 'page->mapping as printed (hashed unless no_hash_pointers); 0 for NULL' },
  { name: 'stack_id', type: new Int32(), nullable: true, doc: 'row of stacks.arrow' },
  { name: 'args', type: new Utf8(), nullable: true, doc: 'raw argument text for events whose fields are not all typed' },
  // Additions beyond DESIGN.md's list, documented in the README schema section.
  { name: 'pfn_end', type: new Uint64(), nullable: true, doc: 'end of a pfn range (compaction isolate range end, test_pages_isolated end_pfn), exclusive as printed' },
  { name: 'ofs', type: new Uint64(), nullable: true, doc: 'filemap: byte offset in the file' },
];

export const STACK_COLUMNS: readonly ColumnSpec[] = [
  { name: 'stack_id', type: new Int32(), nullable: false, doc: 'id referenced by events.stack_id' },
  { name: 'frames', type: new List(new Field('item', new Utf8(), false)), nullable: false, doc: 'frames, innermost first, verbatim text' },
];

export function schemaOf(columns: readonly ColumnSpec[], metadata?: Record<string, string>): Schema {
  const md = new Map<string, string>(Object.entries({ 'pagetrace.schema_version': String(SCHEMA_VERSION), ...metadata }));
  return new Schema(columns.map((c) => new Field(c.name, c.type, c.nullable)), md);
}

export const eventsSchema = (): Schema => schemaOf(EVENT_COLUMNS);
export const stacksSchema = (): Schema => schemaOf(STACK_COLUMNS);

// Re-exported so other packages build matching types without importing apache-arrow classes by name.
export { Bool, Int8, Int16, Int32, Int64, Uint16, Uint32, Uint64, Utf8 };
