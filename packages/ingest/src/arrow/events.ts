/**
 * RecordBatches of events.arrow and stacks.arrow, built from the row store's typed arrays
 * in the column order of schema.ts.
 */
import {
  List, makeData, RecordBatch, Struct, Utf8, type Data, type DataType, type Dictionary, type Int32, type Schema,
} from 'apache-arrow';
import type { RowStore } from '../parse/row-store.js';
import { EVENT_COLUMNS, eventsSchema, stacksSchema } from '../schema.js';
import { ColumnMemory, type ColumnScratch, dictionaryColumn, GrowingDictionary, int64, nonNegative, primitive, utf8FromHeap, utf8FromStrings } from './columns.js';

/** A column of the first n rows of the store, into that column's scratch (`m`). */
type Builder = (s: RowStore, n: number, type: DataType, m: ColumnScratch) => Data;

export class EventBatchBuilder {
  readonly schema: Schema = eventsSchema();
  private readonly builders: Builder[];

  /**
   * `mem`: ColumnMemory.reused() when each batch is written before the next is built and not
   * kept (its columns are then views of the row store and scratch buffers); fresh by default.
   */
  constructor(dicts: { comm: readonly string[]; event: readonly string[]; flags: readonly string[]; gfp: readonly string[] },
    private readonly mem: ColumnMemory = ColumnMemory.fresh()) {
    const comm = new GrowingDictionary(dicts.comm);
    const event = new GrowingDictionary(dicts.event);
    const flags = new GrowingDictionary(dicts.flags);
    const gfp = new GrowingDictionary(dicts.gfp);
    const dict = (g: GrowingDictionary, pick: (s: RowStore) => Int32Array): Builder =>
      (s, n, t, m) => dictionaryColumn(t as Dictionary<Utf8, Int32>, pick(s), n, g, m);
    const byName: Record<string, Builder> = {
      line: (s, n, t, m) => int64(t, s.line, n, undefined, false, m),
      ts_ns: (s, n, t, m) => int64(t, s.ts, n, undefined, true, m),
      cpu: (s, n, t, m) => primitive(t, s.cpu, n, undefined, 1, m),
      pid: (s, n, t, m) => primitive(t, s.pid, n, undefined, 1, m),
      tgid: (s, n, t, m) => primitive(t, s.tgid, n, s.tgidOk, 1, m),
      comm: dict(comm, (s) => s.comm),
      event: dict(event, (s) => s.event),
      pfn: (s, n, t, m) => int64(t, s.pfn, n, s.pfnOk, false, m),
      order: (s, n, t, m) => primitive(t, s.order, n, s.orderOk, 1, m),
      count: (s, n, t, m) => primitive(t, s.count, n, s.countOk, 1, m),
      mapcount: (s, n, t, m) => primitive(t, s.mapcount, n, s.mapcountOk, 1, m),
      val: (s, n, t, m) => primitive(t, s.val, n, s.valOk, 1, m),
      ret: (s, n, t, m) => primitive(t, s.ret, n, s.retOk, 1, m),
      mt: (s, n, t, m) => primitive(t, s.mt, n, s.mtOk, 1, m),
      flags: dict(flags, (s) => s.flags),
      gfp: dict(gfp, (s) => s.gfp),
      mapping: (s, n, t, m) => int64(t, s.mapping, n, s.mappingOk, false, m),
      stack_id: (s, n, t, m) => {
        const { values, ok } = nonNegative(s.stack, n, m);
        return primitive(t, values, n, ok, 1, m);
      },
      args: (s, n, _t, m) => utf8FromHeap(s.heap, s.argsStart, s.argsLen, n, m),
      pfn_end: (s, n, t, m) => int64(t, s.pfnEnd, n, s.pfnEndOk, false, m),
      ofs: (s, n, t, m) => int64(t, s.ofs, n, s.ofsOk, false, m),
    };
    this.builders = EVENT_COLUMNS.map((c) => {
      const b = byName[c.name];
      if (b === undefined) throw new Error(`no builder for events column ${c.name}`);
      return b;
    });
  }

  /** A batch of the first n rows of the store. */
  build(s: RowStore, n: number): RecordBatch {
    const children = this.schema.fields.map((f, i) => (this.builders[i] as Builder)(s, n, f.type, this.mem.column(f.name)));
    const data = makeData({ type: new Struct(this.schema.fields), length: n, nullCount: 0, children });
    return new RecordBatch(this.schema, data);
  }
}

/** stacks.arrow batches: `stack_id int32, frames list<utf8>`. */
export function* stackBatches(stacks: readonly string[][], batchRows: number): Generator<RecordBatch> {
  const schema = stacksSchema();
  const listType = schema.fields[1]?.type as List<Utf8>;
  for (let from = 0; from < stacks.length || from === 0; from += batchRows) {
    const part = stacks.slice(from, from + batchRows);
    const ids = new Int32Array(part.length);
    const offsets = new Int32Array(part.length + 1);
    const flat: string[] = [];
    part.forEach((frames, i) => {
      ids[i] = from + i;
      flat.push(...frames);
      offsets[i + 1] = flat.length;
    });
    const child = utf8FromStrings(flat);
    const idData = primitive(schema.fields[0]?.type as DataType, ids, part.length);
    const listData = makeData({ type: listType, length: part.length, nullCount: 0, valueOffsets: offsets, child });
    const data = makeData({ type: new Struct(schema.fields), length: part.length, nullCount: 0, children: [idData, listData] });
    yield new RecordBatch(schema, data);
    if (stacks.length === 0) break;
  }
}

